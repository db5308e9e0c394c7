package io.pganalytics.collector.catalog;

/**
 * Which of a target's serial lanes a collection runs in. The scheduler runs one collection per lane and target
 * at a time, which is what keeps the collector at two connections per target without ever making a worker
 * wait for one.
 */
public enum Lane {
    /** Instance-wide views, through the target's pooled connection. */
    INSTANCE,
    /** Per-database views, through the target's database slot, database after database. */
    DATABASES,
    /** /proc and the file system: no connection. */
    HOST
}
