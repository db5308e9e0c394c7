/**
 * The alerting API (docs/API.md, "Alerting"): alerts, incidents (acknowledge, resolve, feedback), notifications and
 * their feedback, the fleet's alert counts, rules (CRUD, signals, preview) and their effectiveness with tuning
 * suggestions, and the sensitivity adaptation of anomaly-based rules from feedback. Routes parse and answer, services
 * check and hold the transaction boundary, repositories are the only place with SQL. {@link
 * io.pganalytics.server.alerting.api.AlertingApi} wires it for {@code AlertingFeature}.
 */
package io.pganalytics.server.alerting.api;
