package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite's arithmetic: which anomaly catches which incident, the delay in intervals, false alarms per day. */
class IncidentReportTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private static IncidentReport.Window window(Incident incident, int plantedAtSecond, int revertedAtSecond) {
        Instant reverted = T0.plusSeconds(revertedAtSecond);
        return new IncidentReport.Window(incident, T0.plusSeconds(plantedAtSecond), reverted, reverted.plusSeconds(60),
                "seen", List.of("4242", "incident_inventory"));
    }

    private static IncidentReport.Anomaly anomaly(long id, String series, int startedAtSecond, IncidentReport.Hint... hints) {
        return new IncidentReport.Anomaly(id, series, "spike", "warning", T0.plusSeconds(startedAtSecond), 9, List.of(hints));
    }

    @Test
    void anAnomalyOnARelevantSeriesInsideTheWindowCatchesTheIncidentWithItsDelayInWholeIntervals() {
        IncidentReport report = new IncidentReport(INTERVAL, T0, T0.plusSeconds(3600),
                List.of(window(Incident.LOCK_STORM, 600, 720), window(Incident.QUERY_REGRESSION, 1200, 1320)),
                List.of(anomaly(1, "tps", 605), anomaly(2, "lock_waiting_connections", 621,
                                new IncidentReport.Hint(1, "lock", "pid 4242: SELECT ... FOR UPDATE", null, "lock:4242")),
                        anomaly(3, "statement_latency_ms:-991", 1205)));
        List<IncidentReport.Outcome> outcomes = report.outcomes();
        assertEquals(2, outcomes.get(0).first().orElseThrow().id(), "tps is no lock storm series");
        assertEquals(3, outcomes.get(0).delayIntervals(), "21 s after the plant is the third interval");
        assertTrue(outcomes.get(0).hintNamesCulprit());
        assertTrue(outcomes.get(0).withinGoal());
        assertEquals(1, outcomes.get(1).delayIntervals(), "a keyed series matches by its prefix");
        assertFalse(outcomes.get(1).hintNamesCulprit());
        assertTrue(report.everyIncidentDetected());
    }

    @Test
    void anAnomalyOutsideEveryWindowIsAFalseAlarmCountedOverTheSteadyTimeOnlyAndScaledToADay() {
        IncidentReport report = new IncidentReport(INTERVAL, T0, T0.plusSeconds(7200),
                List.of(window(Incident.CONNECTION_LEAK, 3600, 3720)),
                List.of(anomaly(1, "connections", 3630), anomaly(2, "tps", 3750), anomaly(3, "cache_hit_ratio", 100),
                        anomaly(4, "tps", -100)));
        IncidentReport stampedJustBefore = new IncidentReport(INTERVAL, T0, T0.plusSeconds(7200),
                List.of(window(Incident.CONNECTION_LEAK, 3600, 3720)), List.of(new IncidentReport.Anomaly(5, "connections",
                        "spike", "warning", T0.plusSeconds(3600).minusMillis(400), 9, List.of())));
        assertTrue(stampedJustBefore.falseAlarms().isEmpty(), "a point stamped 0.4 s before the plant may see it");
        assertEquals(1, stampedJustBefore.outcomes().getFirst().delayIntervals());
        assertEquals(List.of(3L), report.falseAlarms().stream().map(IncidentReport.Anomaly::id).toList(),
                "inside the window (settling included) it is the incident's; before the learning ended it cannot count");
        assertEquals(Duration.ofSeconds(7200 - 181), report.steadyTime());
        assertEquals(24 / (7019 / 3600.0), report.falseAlarmsPerDay(), 1e-9);
    }

    @Test
    void anIncidentWithoutARelevantAnomalyIsReportedUndetectedAndTheTablePrintsIt() {
        IncidentReport report = new IncidentReport(INTERVAL, T0, T0.plusSeconds(600),
                List.of(window(Incident.REPLICATION_LAG, 100, 200)), List.of(anomaly(1, "tps", 150)));
        assertFalse(report.everyIncidentDetected());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("replication-lag    NO"), table);
        assertTrue(table.contains("false alarms: 0 in"), table);
    }
}
