/**
 * The monitored targets and the collector's connections to them.
 * <p>
 * {@link io.pganalytics.collector.target.TargetSpec} is a configured target and
 * {@link io.pganalytics.collector.target.TargetUrls} parses one from a {@code postgresql://} URL.
 * {@link io.pganalytics.collector.target.TargetConnections} keeps the promise that the collector never holds
 * more than two connections to an instance: a HikariCP pool of one connection to the configured database (for
 * instance-wide views, which are read most often) plus one "database slot" through which the per-database views
 * of every database are read, one database after the other. We chose one reused, idle-closed connection over a
 * pool per database because a pool per database multiplies idle connections by the number of databases (a
 * tenant-per-database instance has hundreds), and over a shared two-connection pool because PostgreSQL cannot
 * switch a connection's database: a per-database read would have to evict a pooled connection first. The
 * scheduler runs at most one collection per connection kind and target at once (its two "lanes"), so no worker
 * thread ever waits for one of these connections.
 * <p>
 * Every statement is tagged {@code /* pganalytics *\/}, runs in a read-only transaction with
 * {@code statement_timeout} and {@code lock_timeout} set locally, and {@code application_name} is
 * {@code pganalytics-collector}.
 */
package io.pganalytics.collector.target;
