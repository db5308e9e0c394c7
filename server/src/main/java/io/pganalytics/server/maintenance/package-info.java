/**
 * Keeping the time-series storage: creating partitions ahead and dropping them by retention, rolling raw rows up
 * into 1-minute and 1-hour buckets, pruning query texts and old idempotency records, and (TimescaleDB) bringing the
 * retention policies to the configured values. Retention can be changed at runtime through
 * {@code /admin/settings/retention} ({@code RuntimeRetention}): every run reads the configuration with those values over
 * it, so a change applies on every node at the next run. Each job runs on one node of the cluster at a time under a
 * {@link io.pganalytics.server.cluster.JobLeases lease}; every step is idempotent, so a second run is harmless.
 */
package io.pganalytics.server.maintenance;
