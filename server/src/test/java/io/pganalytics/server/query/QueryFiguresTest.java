package io.pganalytics.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.query.SeriesData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Figures of the query API over real HTTPS against known data put in with SQL: wait-event averages over every sample
 * taken (raw, 1-minute and 1-hour rollups), the default step following the collection interval, and 64-bit query ids
 * that survive JSON.
 */
@Tag("fault-and-attack")
class QueryFiguresTest {
    /** 2^53 + 1: the first integer a JSON number read as a double (JavaScript, jq) cannot hold. */
    private static final long BIG_QUERYID = 9_007_199_254_740_993L;
    private static final long NEGATIVE_QUERYID = -9_007_199_254_740_995L;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String viewer;
    private static SeriesData data;
    private static Instant now;

    @BeforeAll
    static void start() {
        server = TestServers.start("query_figures");
        api = new ApiClient(server);
        viewer = api.loginNewViewer("figures-viewer");
        data = new SeriesData(server);
        now = Instant.now();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode ok(String path) {
        ApiClient.Response response = api.get(path, viewer);
        assertEquals(200, response.status(), path + ": " + response.body());
        return response.json();
    }

    private static long instance(String name) {
        return data.instance(name, now.minusSeconds(20), now.minusSeconds(20), false);
    }

    private static Map<String, JsonNode> waitsByEvent(JsonNode waits) {
        Map<String, JsonNode> byEvent = new HashMap<>();
        waits.get("items").forEach(item -> byEvent.put(item.get("waitEventType").asText() + ":" + item.get("waitEvent").asText(), item));
        return byEvent;
    }

    @Test
    void rawWaitAveragesDivideByEverySampleTakenIncludingIdleOnes() {
        long id = instance("waits-raw");
        Instant start = now.truncatedTo(ChronoUnit.MINUTES).minus(30, ChronoUnit.MINUTES);
        List<Map<String, Object>> activity = new ArrayList<>();
        List<Map<String, Object>> waits = new ArrayList<>();
        // 60 samples 10 s apart; a lock wait of 3 backends in the first 20, one backend on CPU in samples 10..19, idle after
        for (int k = 0; k < 60; k++) {
            Instant at = start.plusSeconds(10L * k);
            activity.add(row("instance_id", id, "collected_at", at, "datname", "app", "total", 3L, "active", k < 20 ? 3L : 0L));
            Instant sampled = at.plusMillis(300); // wait events are read a moment after activity
            if (k < 20) {
                waits.add(row("instance_id", id, "collected_at", sampled, "datname", "app", "backend_type", "client backend",
                        "wait_event_type", "Lock", "wait_event", "transactionid", "backends", 3L));
            }
            if (k >= 10 && k < 20) {
                waits.add(row("instance_id", id, "collected_at", sampled, "datname", "app", "backend_type", "client backend",
                        "wait_event_type", null, "wait_event", null, "backends", 1L));
            }
        }
        data.insert(MetricCatalog.ACTIVITY, Resolution.RAW, activity);
        data.insert(MetricCatalog.WAIT_EVENTS, Resolution.RAW, waits);

        JsonNode answer = ok("/instances/" + id + "/waits?from=" + start + "&to=" + start.plusSeconds(600));
        assertEquals("raw", answer.get("resolution").asText());
        assertEquals(60, answer.get("sampleCount").asLong(), answer.toString());
        Map<String, JsonNode> byEvent = waitsByEvent(answer);
        assertEquals(3.0 * 20 / 60, byEvent.get("Lock:transactionid").get("avgBackends").asDouble(), 1e-12, answer.toString());
        assertEquals(20, byEvent.get("Lock:transactionid").get("samples").asLong());
        assertEquals(1.0 * 10 / 60, byEvent.get("CPU:CPU").get("avgBackends").asDouble(), 1e-12, answer.toString());
        assertEquals(1, byEvent.get("CPU:CPU").get("maxBackends").asLong());
    }

    @Test
    void minuteRollupWaitAveragesDivideByEverySampleTaken() {
        long id = instance("waits-minute");
        Instant start = now.truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.HOURS);
        List<Map<String, Object>> activity = new ArrayList<>();
        List<Map<String, Object>> waits = new ArrayList<>();
        // 10 minutes of 6 samples each; waits in minutes 0 and 1 only: 4 samples of 2 backends, then 2 samples of 5
        for (int m = 0; m < 10; m++) {
            Instant bucket = start.plusSeconds(60L * m);
            activity.add(row("instance_id", id, "bucket", bucket, "samples", 6, "datname", "app", "total_avg", 3.0));
            activity.add(row("instance_id", id, "bucket", bucket, "samples", 6, "datname", "postgres", "total_avg", 0.0));
        }
        waits.add(row("instance_id", id, "bucket", start, "samples", 4, "datname", "app", "backend_type", "client backend",
                "wait_event_type", "IO", "wait_event", "DataFileRead", "backends_avg", 2.0, "backends_max", 2L));
        waits.add(row("instance_id", id, "bucket", start.plusSeconds(60), "samples", 2, "datname", "app", "backend_type",
                "client backend", "wait_event_type", "IO", "wait_event", "DataFileRead", "backends_avg", 5.0, "backends_max", 5L));
        data.insert(MetricCatalog.ACTIVITY, Resolution.MINUTE, activity);
        data.insert(MetricCatalog.WAIT_EVENTS, Resolution.MINUTE, waits);

        JsonNode answer = ok("/instances/" + id + "/waits?from=" + start.minus(6, ChronoUnit.HOURS) + "&to=" + start.plusSeconds(600));
        assertEquals("1m", answer.get("resolution").asText());
        assertEquals(60, answer.get("sampleCount").asLong(), answer.toString());
        JsonNode io = waitsByEvent(answer).get("IO:DataFileRead");
        assertEquals((4 * 2.0 + 2 * 5.0) / 60, io.get("avgBackends").asDouble(), 1e-12, answer.toString());
        assertEquals(6, io.get("samples").asLong());
        assertEquals(5, io.get("maxBackends").asLong());
    }

    @Test
    void hourRollupWaitAveragesDivideByEverySampleTaken() {
        long id = instance("waits-hour");
        Instant start = now.truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS);
        List<Map<String, Object>> activity = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            activity.add(row("instance_id", id, "bucket", start.plusSeconds(3600L * h), "samples", 360, "datname", "app",
                    "total_avg", 3.0));
        }
        data.insert(MetricCatalog.ACTIVITY, Resolution.HOUR, activity);
        data.insert(MetricCatalog.WAIT_EVENTS, Resolution.HOUR, List.of(row("instance_id", id, "bucket", start.plusSeconds(3600),
                "samples", 90, "datname", "app", "backend_type", "client backend", "wait_event_type", "LWLock",
                "wait_event", "WALWrite", "backends_avg", 4.0, "backends_max", 7L)));

        JsonNode answer = ok("/instances/" + id + "/waits?from=" + start.minus(10, ChronoUnit.DAYS) + "&to=" + start.plusSeconds(3 * 3600));
        assertEquals("1h", answer.get("resolution").asText());
        assertEquals(3 * 360, answer.get("sampleCount").asLong(), answer.toString());
        JsonNode lwlock = waitsByEvent(answer).get("LWLock:WALWrite");
        assertEquals(90 * 4.0 / (3 * 360), lwlock.get("avgBackends").asDouble(), 1e-12, answer.toString());
    }

    @Test
    void withoutStepARawSeriesFollowsTheCollectionInterval() {
        long id = instance("step-ten");
        Instant start = Instant.ofEpochSecond(now.minus(2, ChronoUnit.HOURS).getEpochSecond() / 3600 * 3600);
        List<Map<String, Object>> database = new ArrayList<>();
        // the database family collected every 10 s (a collector with intervals: {database: 10s})
        for (int k = 0; k < 360; k++) {
            database.add(row("instance_id", id, "collected_at", start.plusSeconds(10L * k), "interval_seconds", 10.0,
                    "datname", "app", "xact_commit", 50L, "xact_rollback", 0L));
        }
        data.insert(MetricCatalog.DATABASE, Resolution.RAW, database);

        JsonNode tps = ok("/instances/" + id + "/series?metric=tps&from=" + start + "&to=" + start.plusSeconds(3600));
        assertEquals("raw", tps.get("resolution").asText());
        assertEquals(10, tps.get("stepSeconds").asLong(), tps.toString().substring(0, 200));
        assertEquals(360, tps.get("points").size());
        assertEquals(5.0, tps.get("points").get(0).get(1).asDouble(), 1e-12);

        // still at most 1000 points: 4 h of 10 s data is 1440 samples, so the step becomes the next round one (15 s)
        JsonNode longer = ok("/instances/" + id + "/series?metric=tps&from=" + start + "&to=" + start.plusSeconds(4 * 3600));
        assertEquals(15, longer.get("stepSeconds").asLong());
        assertTrue(longer.get("points").size() <= 1000);

        // a family collected every minute keeps 60 s points
        long minute = instance("step-sixty");
        List<Map<String, Object>> sixty = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            sixty.add(row("instance_id", minute, "collected_at", start.plusSeconds(60L * k), "interval_seconds", 60.0,
                    "datname", "app", "xact_commit", 60L, "xact_rollback", 0L));
        }
        data.insert(MetricCatalog.DATABASE, Resolution.RAW, sixty);
        JsonNode perMinute = ok("/instances/" + minute + "/series?metric=tps&from=" + start + "&to=" + start.plusSeconds(3600));
        assertEquals(60, perMinute.get("stepSeconds").asLong());
    }

    @Test
    void queryIdsAbove2To53AreJsonStringsAndAreAcceptedBackInThePath() {
        long id = instance("big-ids");
        Instant at = now.minus(10, ChronoUnit.MINUTES);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long queryid : new long[]{BIG_QUERYID, NEGATIVE_QUERYID}) {
            rows.add(row("instance_id", id, "collected_at", at, "interval_seconds", 60.0, "dbid", 5L, "userid", 10L,
                    "queryid", queryid, "toplevel", true, "datname", "app", "username", "app", "calls", 4L,
                    "total_exec_time", 8.0, "rows", 4L));
        }
        data.insert(MetricCatalog.STATEMENTS, Resolution.RAW, rows);
        data.insertText(id, 5, BIG_QUERYID, "app", "SELECT 1");

        ApiClient.Response top = api.get("/instances/" + id + "/queries/top", viewer);
        assertEquals(200, top.status(), top.body());
        assertTrue(top.body().contains("\"queryid\":\"" + BIG_QUERYID + "\""), top.body());
        assertTrue(top.body().contains("\"queryid\":\"" + NEGATIVE_QUERYID + "\""), top.body());

        String idText = top.json().get("items").get(0).get("queryid").asText();
        ApiClient.Response detail = api.get("/instances/" + id + "/queries/" + idText, viewer);
        assertEquals(200, detail.status(), detail.body());
        assertTrue(detail.body().contains("\"queryid\":\"" + idText + "\""), detail.body());
        ApiClient.Response negative = api.get("/instances/" + id + "/queries/" + NEGATIVE_QUERYID, viewer);
        assertEquals(200, negative.status(), negative.body());
        assertTrue(negative.body().contains("\"queryid\":\"" + NEGATIVE_QUERYID + "\""), negative.body());
        // the id a double would have made of it is another statement
        assertEquals(404, api.get("/instances/" + id + "/queries/" + (long) (double) BIG_QUERYID, viewer).status());
    }
}
