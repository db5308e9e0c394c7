package io.pganalytics.tools.bench;

import io.pganalytics.tools.simulate.AcknowledgedBatch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryPointTest {
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");
    /** The backup started at T0 + 30 s. */
    private static final Instant BACKUP = T0.plusSeconds(30);

    /** Batches every 10 s from T0 for {@code count} intervals, acknowledged 1 s after their sample time. */
    private static List<AcknowledgedBatch> batches(String collector, int count) {
        List<AcknowledgedBatch> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = T0.plusSeconds(10L * i);
            batches.add(new AcknowledgedBatch(collector + "-id", collector, collector + "-b" + i, at, at.plusSeconds(1)));
        }
        return batches;
    }

    private static Set<String> stored(List<AcknowledgedBatch> batches, int... missing) {
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < batches.size(); i++) {
            final int index = i;
            if (java.util.Arrays.stream(missing).noneMatch(m -> m == index)) {
                stored.add(batches.get(i).collectorId() + " " + batches.get(i).batchId());
            }
        }
        return stored;
    }

    @Test
    void rpoIsTheNewestAcknowledgedSampleMinusTheNewestRestoredOnePerInstanceAndTheWorstOfThem() {
        List<AcknowledgedBatch> a = batches("sim-0001", 12);  // samples T0 .. T0+110 s
        List<AcknowledgedBatch> b = batches("sim-0002", 12);
        Set<String> stored = new HashSet<>(stored(a, 10, 11));  // the last two lost: 20 s
        stored.addAll(stored(b, 7, 8, 9, 10, 11));               // the last five lost: 50 s
        List<AcknowledgedBatch> all = new ArrayList<>(a);
        all.addAll(b);

        RecoveryPoint point = RecoveryPoint.of(all, stored, BACKUP);

        assertEquals(2, point.instances().size());
        assertEquals(Duration.ofSeconds(20), point.instances().get(0).rpo());
        assertEquals(2, point.instances().get(0).lost());
        assertEquals(Duration.ofSeconds(50), point.instances().get(1).rpo());
        assertEquals(Duration.ofSeconds(50), point.worst());
        assertEquals("sim-0002", point.worstInstance());
        assertEquals(7, point.lost());
        assertEquals(0, point.holes());
        assertEquals(0, point.missingFromBackup());
    }

    @Test
    void nothingLostIsARecoveryPointOfZero() {
        List<AcknowledgedBatch> a = batches("sim-0001", 5);
        RecoveryPoint point = RecoveryPoint.of(a, stored(a), BACKUP);
        assertEquals(Duration.ZERO, point.worst());
        assertEquals(0, point.lost());
    }

    @Test
    void aMissingBatchOlderThanARestoredOneIsAHoleNotARecoveryPoint() {
        List<AcknowledgedBatch> a = batches("sim-0001", 10);
        RecoveryPoint point = RecoveryPoint.of(a, stored(a, 6), BACKUP);
        assertEquals(Duration.ZERO, point.worst(), "the newest batch is there");
        assertEquals(1, point.holes(), "but batch 6, older than it, is not: data missing that should not be");
        assertTrue(point.describeHoles().contains("sim-0001-b6"), point.describeHoles());
    }

    @Test
    void aBatchAcknowledgedBeforeTheBackupStartedMustBeThere() {
        List<AcknowledgedBatch> a = batches("sim-0001", 10);
        // only batches 0..1 restored (acknowledged at T0+1 and T0+11, before the backup's T0+30): 2..9 lost, of which
        // 2 (acknowledged at T0+21) was acknowledged before the backup started
        RecoveryPoint point = RecoveryPoint.of(a, stored(a, 2, 3, 4, 5, 6, 7, 8, 9), BACKUP);
        assertEquals(1, point.missingFromBackup());
        assertEquals(Duration.ofSeconds(80), point.worst());
    }

    @Test
    void anInstanceWithNothingRestoredLostEverythingItSent() {
        List<AcknowledgedBatch> a = batches("sim-0001", 4);
        RecoveryPoint point = RecoveryPoint.of(a, Set.of(), T0.minusSeconds(60));
        RecoveryPoint.Instance instance = point.instances().getFirst();
        assertNull(instance.newestRestored());
        assertEquals(4, instance.lost());
        assertEquals(Duration.ofSeconds(30), instance.rpo(), "from its first sample to its last, at least");
        assertEquals(Duration.ofSeconds(30), point.worst());
    }
}
