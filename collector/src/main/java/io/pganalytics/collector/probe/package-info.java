/**
 * Capability probing: which PostgreSQL version, role, extensions (and their versions), settings, privileges,
 * views and columns a target has. The result, {@link io.pganalytics.collector.probe.Capabilities}, is what the
 * catalogue picks each family's SQL from, and what {@code check} explains to the operator.
 */
package io.pganalytics.collector.probe;
