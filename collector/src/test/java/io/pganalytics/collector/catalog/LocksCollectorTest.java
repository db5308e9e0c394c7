package io.pganalytics.collector.catalog;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocksCollectorTest {
    private static List<Object> raw(long pid, String state, String blockers, Double xact, Double wait) {
        return Arrays.asList(pid, "db", "u", "app" + pid, state, blockers.isEmpty() ? null : "Lock",
                blockers.isEmpty() ? null : "transactionid", blockers, xact, wait, null);
    }

    @Test
    void eachWaiterPointsAtTheRootOfItsChainWithItsDepth() {
        List<List<Object>> rows = LocksCollector.chains(List.of(
                raw(10, "idle in transaction", "", 30.0, null),
                raw(11, "active", "10", 5.0, 4.0),
                raw(12, "active", "11", 2.0, 1.5)));
        assertEquals(2, rows.size());
        assertEquals(List.of(11L, 10L, 1L), List.of(rows.get(0).get(0), rows.get(0).get(7), rows.get(0).get(12)));
        assertEquals(List.of(12L, 10L, 2L), List.of(rows.get(1).get(0), rows.get(1).get(7), rows.get(1).get(12)));
        assertEquals("idle in transaction", rows.get(1).get(8));
        assertEquals(30.0, rows.get(1).get(13));
    }

    @Test
    void aDeadlockCycleEndsTheWalkWithoutLooping() {
        List<List<Object>> rows = LocksCollector.chains(List.of(
                raw(20, "active", "21", 1.0, 1.0),
                raw(21, "active", "20", 1.0, 1.0)));
        assertEquals(2, rows.size());
    }
}
