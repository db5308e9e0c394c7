package io.pganalytics.common.query;

import java.time.Instant;

/**
 * One step of a statement's timeline.
 *
 * @param time        the step's start
 * @param calls       executions in the step
 * @param totalTimeMs execution time in the step, ms
 * @param meanTimeMs  totalTimeMs / calls, or null
 * @param rows        rows in the step
 * @param sharedBlksRead shared blocks read in the step
 */
public record QueryPoint(Instant time, long calls, double totalTimeMs, Double meanTimeMs, long rows, long sharedBlksRead) {
}
