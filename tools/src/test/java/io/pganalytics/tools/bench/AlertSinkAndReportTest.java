package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The incident suite's webhook receiver (signature checked, what arrived kept) and its judgement of the notifications. */
class AlertSinkAndReportTest {

    @Test
    void theSinkKeepsSignedNotificationsAndRefusesABadSignature() throws Exception {
        try (AlertSink sink = AlertSink.start(new ObjectMapper())) {
            HttpClient http = HttpClient.newHttpClient();
            String body = "{\"id\":7,\"event\":\"firing\",\"incident\":{\"id\":3,\"instance\":\"db1\"},"
                    + "\"alerts\":[{\"name\":\"LockWaits\",\"suppressed\":false}]}";
            assertEquals(204, post(http, sink, body, "sha256=" + hmac(sink.key(), body)));
            assertEquals(401, post(http, sink, body, "sha256=" + hmac("another key", body)));
            assertEquals(401, post(http, sink, body, null));
            assertEquals(1, sink.received().size());
            AlertSink.Received r = sink.received().getFirst();
            assertEquals("firing", r.event());
            assertEquals(3, r.incidentId());
            assertEquals(List.of("LockWaits"), r.alerts());
            assertEquals(2, sink.refused());
        }
    }

    @Test
    void anIncidentIsNotifiedByAnAlarmInItsWindowAndAlarmsOutsideEveryWindowAreNoise() {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        IncidentReport.Window lock = new IncidentReport.Window(Incident.LOCK_STORM, t0.plusSeconds(600), t0.plusSeconds(720),
                t0.plusSeconds(840), "", List.of());
        IncidentReport.Window lag = new IncidentReport.Window(Incident.REPLICATION_LAG, t0.plusSeconds(1200), t0.plusSeconds(1320),
                t0.plusSeconds(1440), "", List.of());
        List<AlertSink.Received> received = List.of(
                received(t0.plusSeconds(100), "firing"),      // during the learning: not counted
                received(t0.plusSeconds(400), "firing"),      // steady stretch: noise
                received(t0.plusSeconds(650), "firing"),      // the lock storm's
                received(t0.plusSeconds(900), "resolved"),    // a resolution is no alarm
                received(t0.plusSeconds(1000), "repeat"));    // steady stretch: noise
        AlertReport report = new AlertReport(t0.plusSeconds(300), t0.plusSeconds(1500), List.of(lock, lag), received, 0);
        assertTrue(report.outcomes().get(0).notified());
        assertFalse(report.outcomes().get(1).notified(), "nothing arrived in the lag's window");
        assertFalse(report.everyIncidentNotified());
        assertEquals(3, report.counted().size());
        assertEquals(2, report.noise().size());
        assertEquals(2.0 / 3, report.noiseShare(), 1e-9);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("incidents notified: 1 of 2"), printed);
        assertTrue(printed.contains("noise share 66.7 %"), printed);
    }

    private static AlertSink.Received received(Instant at, String event) {
        return new AlertSink.Received(at, event, 1, "db1", List.of("SomeRule"), 1);
    }

    private static int post(HttpClient http, AlertSink sink, String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(sink.url()).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-PgAnalytics-Signature", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String hmac(String key, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
