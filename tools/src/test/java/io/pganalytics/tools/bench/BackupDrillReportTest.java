package io.pganalytics.tools.bench;

import io.pganalytics.tools.simulate.AcknowledgedBatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackupDrillReportTest {
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    /** One instance: a batch at T0 (restored) and one {@code lostAfter} seconds later (lost). */
    private static RecoveryPoint point(long lostAfter) {
        AcknowledgedBatch restored = new AcknowledgedBatch("c", "sim-0001", "b1", T0, T0.plusSeconds(1));
        AcknowledgedBatch lost = new AcknowledgedBatch("c", "sim-0001", "b2", T0.plusSeconds(lostAfter), T0.plusSeconds(lostAfter + 1));
        return RecoveryPoint.of(List.of(restored, lost), Set.of("c b1"), T0.minusSeconds(60));
    }

    private static BackupDrillReport report(RecoveryPoint point, double rtoSeconds, long fillAfter, List<String> problems) {
        return new BackupDrillReport("1 collector", 1_000_000_000L, "bulk SQL", 20, 1_000_000_000L, 400_000_000L, 10,
                1_100_000_000L, 400_000_000L, 30, rtoSeconds, point, 5_000, fillAfter, problems);
    }

    private static String printed(BackupDrillReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDrillWithinBothObjectivesPassesAndPrintsItsFigures() {
        BackupDrillReport report = report(point(40), 45, 5_000, List.of());
        assertEquals(0, report.exitStatus(), report.failures().toString());
        String out = printed(report);
        assertTrue(out.contains("backup                    1000.0 MB in 20.0 s: 50.0 MB/s"), out);
        assertTrue(out.contains("restore (restore command) 1100.0 MB written in 10.0 s: 110.0 MB/s (read 400.0 MB from the repository: 40.0 MB/s)"), out);
        assertTrue(out.contains("RTO                       45.0 s"), out);
        assertTrue(out.contains("RPO                       worst 40.0 s (sim-0001)"), out);
        assertTrue(out.contains("at  10 GB (extrapolated)"), out);
        assertTrue(out.contains("result                    PASS"), out);
    }

    @Test
    void aRecoveryPointOfFiveMinutesOrMoreFails() {
        BackupDrillReport report = report(point(300), 45, 5_000, List.of());
        assertEquals(1, report.exitStatus());
        assertTrue(report.failures().getFirst().contains("RPO 300.0 s (sim-0001) is not under 5 min"), report.failures().toString());
    }

    @Test
    void aRecoveryTimeOfAnHourOrMoreFails() {
        BackupDrillReport report = report(point(40), 3600, 5_000, List.of());
        assertEquals(1, report.exitStatus());
        assertTrue(report.failures().getFirst().contains("RTO 3600.0 s is not under 1 h"), report.failures().toString());
    }

    @Test
    void oldDataMissingAfterTheRestoreFails() {
        BackupDrillReport report = report(point(40), 45, 4_999, List.of());
        assertEquals(1, report.exitStatus());
        assertTrue(printed(report).contains("FAIL: the bulk-written old data had 5000 rows before and 4999 after"), printed(report));
    }

    @Test
    void aFailedStepFailsTheDrill() {
        BackupDrillReport report = report(point(0), 45, 5_000, List.of("the restore command exited with status 1"));
        assertEquals(1, report.exitStatus());
        assertEquals(List.of("the restore command exited with status 1"), report.failures());
    }
}
