package io.pganalytics.collector.delta;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaTrackerTest {
    private static final Family FAMILY = new Family("sample", Duration.ofMinutes(1), List.of(
            Column.key("name", ColumnType.TEXT),
            Column.counter("calls", ColumnType.INT8),
            Column.counter("time", ColumnType.FLOAT8),
            Column.gauge("size", ColumnType.INT8),
            Column.label("stats_reset", ColumnType.TIMESTAMPTZ)));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant RESET_1 = Instant.parse("2025-12-01T00:00:00Z");
    private static final Instant RESET_2 = Instant.parse("2026-01-01T00:00:30Z");

    private static List<Object> row(String name, Long calls, Double time, long size, Instant reset) {
        return Arrays.asList(name, calls, time, size, reset);
    }

    @Test
    void firstSampleIsABaselineAndSendsNothing() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        DeltaTracker.Delta delta = tracker.next(T0, List.of(row("a", 10L, 1.0, 5, RESET_1)));
        assertNull(delta.intervalSeconds());
        assertTrue(delta.rows().isEmpty());
        assertEquals(1, delta.baselineKeys());
    }

    @Test
    void countersBecomeDifferencesWithTheIntervalAndGaugesPassAsRead() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 10L, 1.5, 5, RESET_1)));
        DeltaTracker.Delta delta = tracker.next(T0.plusSeconds(60), List.of(row("a", 25L, 4.0, 7, RESET_1)));
        assertEquals(60.0, delta.intervalSeconds());
        assertEquals(List.of(row("a", 15L, 2.5, 7, RESET_1)), delta.rows());
    }

    @Test
    void statsResetMovedDropsTheIntervalForThatKeyEvenWhenCountersGrew() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 10L, 1.0, 5, RESET_1), row("b", 1L, 1.0, 1, RESET_1)));
        DeltaTracker.Delta delta = tracker.next(T0.plusSeconds(60),
                List.of(row("a", 500L, 9.0, 5, RESET_2), row("b", 2L, 2.0, 1, RESET_1)));
        assertEquals(List.of(row("b", 1L, 1.0, 1, RESET_1)), delta.rows());
        assertEquals(1, delta.resetKeys());
        DeltaTracker.Delta after = tracker.next(T0.plusSeconds(120), List.of(row("a", 510L, 10.0, 5, RESET_2)));
        assertEquals(List.of(row("a", 10L, 1.0, 5, RESET_2)), after.rows());
    }

    @Test
    void aCounterThatWentDownDropsTheIntervalForThatKey() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 10L, 5.0, 5, null)));
        DeltaTracker.Delta delta = tracker.next(T0.plusSeconds(60), List.of(row("a", 11L, 1.0, 5, null)));
        assertTrue(delta.rows().isEmpty());
        assertEquals(1, delta.resetKeys());
        DeltaTracker.Delta next = tracker.next(T0.plusSeconds(120), List.of(row("a", 12L, 2.0, 5, null)));
        assertEquals(List.of(row("a", 1L, 1.0, 5, null)), next.rows());
    }

    @Test
    void aKeyThatVanishedAndCameBackIsABaselineAgain() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 10L, 1.0, 5, null), row("b", 10L, 1.0, 5, null)));
        tracker.next(T0.plusSeconds(60), List.of(row("b", 11L, 1.0, 5, null)));
        DeltaTracker.Delta back = tracker.next(T0.plusSeconds(120), List.of(row("a", 900L, 90.0, 5, null), row("b", 12L, 1.0, 5, null)));
        assertEquals(List.of(row("b", 1L, 0.0, 5, null)), back.rows());
        assertEquals(1, back.baselineKeys());
    }

    @Test
    void trailingResetMarkersAreComparedAndNotSent() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 1);
        tracker.next(T0, List.of(Arrays.asList("a", 1L, 1.0, 1L, null, RESET_1)));
        DeltaTracker.Delta same = tracker.next(T0.plusSeconds(10), List.of(Arrays.asList("a", 2L, 1.0, 1L, null, RESET_1)));
        assertEquals(List.of(row("a", 1L, 0.0, 1, null)), same.rows());
        DeltaTracker.Delta moved = tracker.next(T0.plusSeconds(20), List.of(Arrays.asList("a", 3L, 1.0, 1L, null, RESET_2)));
        assertTrue(moved.rows().isEmpty());
    }

    @Test
    void aNullCounterGivesANullDelta() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", null, 1.0, 1, null)));
        DeltaTracker.Delta delta = tracker.next(T0.plusSeconds(10), List.of(row("a", 5L, 2.0, 1, null)));
        assertEquals(List.of(row("a", null, 1.0, 1, null)), delta.rows());
    }

    @Test
    void aClockThatWentBackwardsStartsAgainFromABaseline() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 1L, 1.0, 1, null)));
        DeltaTracker.Delta delta = tracker.next(T0.minusSeconds(5), List.of(row("a", 2L, 1.0, 1, null)));
        assertNull(delta.intervalSeconds());
        assertTrue(delta.rows().isEmpty());
    }

    @Test
    void aStatementFirstSeenAfterTheBaselineIsCountedFromZeroButOneThatVanishedAndCameBackIsDropped() {
        DeltaTracker tracker = DeltaTracker.countingNewKeysFromZero(FAMILY, 0);
        assertNull(tracker.next(T0, List.of(row("a", 10L, 1.0, 5, RESET_1))).intervalSeconds(), "the first sample is a baseline");
        DeltaTracker.Delta withNew = tracker.next(T0.plusSeconds(60), List.of(row("a", 12L, 1.5, 5, RESET_1), row("b", 40L, 8.0, 1, RESET_1)));
        assertEquals(List.of(row("a", 2L, 0.5, 5, RESET_1), row("b", 40L, 8.0, 1, RESET_1)), withNew.rows(),
                "b was created during the interval: its counters are its delta");
        DeltaTracker.Delta vanished = tracker.next(T0.plusSeconds(120), List.of(row("a", 13L, 1.75, 5, RESET_1)));
        assertEquals(List.of(row("a", 1L, 0.25, 5, RESET_1)), vanished.rows());
        DeltaTracker.Delta back = tracker.next(T0.plusSeconds(180), List.of(row("a", 14L, 2.0, 5, RESET_1), row("b", 3L, 1.0, 1, RESET_1)));
        assertEquals(List.of(row("a", 1L, 0.25, 5, RESET_1)), back.rows(), "a key that vanished and came back is a baseline again");
        assertEquals(1, back.baselineKeys());
    }

    @Test
    void aPlainTrackerTreatsNewKeysAsBaselines() {
        DeltaTracker tracker = new DeltaTracker(FAMILY, 0);
        tracker.next(T0, List.of(row("a", 10L, 1.0, 5, RESET_1)));
        DeltaTracker.Delta delta = tracker.next(T0.plusSeconds(60), List.of(row("a", 11L, 1.0, 5, RESET_1), row("b", 9L, 1.0, 1, RESET_1)));
        assertEquals(List.of(row("a", 1L, 0.0, 5, RESET_1)), delta.rows(), "a new table may be one the collector did not read before");
    }
}
