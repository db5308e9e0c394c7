package io.pganalytics.collector.schedule;

import java.time.Instant;

/**
 * What the scheduler knows about one family on one target, for the collector_health family and for logs.
 *
 * @param target            the target's name
 * @param family            the family scheduled
 * @param runs              collections finished (successfully or not)
 * @param errors            collections that failed
 * @param skippedTicks      ticks skipped because the previous collection of this family was still pending or running
 * @param deferredTicks     ticks not run because the target or family was backing off, not probed yet, or lacks a capability
 * @param lastCycleMillis   wall time of the last collection
 * @param lastQueryMillis   time spent in PostgreSQL during the last collection
 * @param maxConcurrentRuns the most collections of this family ever seen running at once (1 when it never overlapped)
 * @param lastRunAt         when the last collection finished, or null
 * @param lastError         the last failure's message, or null after a success
 */
public record FamilyRunStats(String target,
                             String family,
                             long runs,
                             long errors,
                             long skippedTicks,
                             long deferredTicks,
                             double lastCycleMillis,
                             double lastQueryMillis,
                             int maxConcurrentRuns,
                             Instant lastRunAt,
                             String lastError) {
}
