package io.pganalytics.collector.health;

/**
 * What the scheduler reports for one family (over all targets) since the previous health report.
 *
 * @param family       the metric family
 * @param cycleMillis  the longest collection cycle (queries plus processing)
 * @param queryMillis  the longest time spent in SQL in one cycle
 * @param errors       failed collections
 * @param skippedTicks ticks skipped because the previous run was still going
 */
public record FamilyTiming(String family, double cycleMillis, double queryMillis, long errors, long skippedTicks) {
}
