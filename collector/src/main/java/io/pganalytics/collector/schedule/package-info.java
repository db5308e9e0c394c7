/**
 * The collection scheduler: runs every family of every target on its interval with a bounded worker pool
 * (1 to 16 threads), never overlapping a family with itself, skipping (and counting) missed ticks instead of
 * queueing them, keeping each target to its two connections through serial lanes, backing off failing targets
 * and families exponentially, and handing snapshots to a {@link io.pganalytics.collector.schedule.SnapshotSink}
 * that never blocks. {@link io.pganalytics.collector.schedule.CollectionScheduler#stats()} feeds the
 * collector_health family.
 */
package io.pganalytics.collector.schedule;
