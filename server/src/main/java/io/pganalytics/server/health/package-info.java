/**
 * The admin socket: liveness, readiness (the database and the cluster checked, not-ready while draining) and the
 * Prometheus metrics. Nothing here needs credentials, so the admin listener binds to 127.0.0.1 unless configured.
 */
package io.pganalytics.server.health;
