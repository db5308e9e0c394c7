package io.pganalytics.server.anomaly.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.anomaly.AnomalyTuning;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anomaly API over real HTTPS on a real server and database: anomaly rows are inserted with SQL, as the scorer
 * would write them; lists, filters, pages, one anomaly, feedback, the band, the sensitivity and exclusions, and roles.
 */
class AnomalyApiHttpTest {
    private static final Instant BASE = Instant.parse("2026-11-20T00:00:00Z");
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static DataSource db;
    private static String viewer;
    private static String operator;
    private static String operatorId;
    private static long alpha;
    private static long beta;

    @BeforeAll
    static void start() throws SQLException {
        server = TestServers.start("anomaly_api");
        api = new ApiClient(server);
        db = server.database().dataSource();
        viewer = api.loginNewViewer("anomaly-viewer");
        String admin = api.loginAdmin();
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"anomaly-operator\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"operator\"]}");
        assertEquals(201, created.status(), created.body());
        operatorId = created.json().get("id").asText();
        operator = api.login("anomaly-operator", TestServers.ADMIN_PASSWORD);
        SeriesData data = new SeriesData(server);
        alpha = data.instance("anomaly-alpha", Instant.now(), Instant.now(), false);
        beta = data.instance("anomaly-beta", Instant.now(), Instant.now(), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Inserts an anomaly as the scorer writes one and returns its id. */
    private static long anomaly(long instance, String series, String severity, String state, Instant startedAt) throws SQLException {
        String ended = state.equals("open") ? "NULL" : "'" + startedAt.plus(5, ChronoUnit.MINUTES) + "'";
        Sql.execute(db, "INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, ended_at, peak_at, score, expected,"
                + " lower_bound, upper_bound, actual, points, hints, created_at, updated_at) VALUES (" + instance + ", '" + series
                + "', 'spike', '" + severity + "', '" + state + "', '" + startedAt + "', " + ended + ", '" + startedAt.plus(1, ChronoUnit.MINUTES)
                + "', 7.5, 100, 80, 120, 400, 3, '[{\"rank\":1,\"type\":\"statement\",\"subject\":\"UPDATE accounts\",\"detail\":\"grew\","
                + "\"ref\":\"query:42\",\"weight\":0.9,\"at\":\"" + startedAt + "\"}]', now(), now())");
        return Long.parseLong(Sql.rows(db, "SELECT max(id) FROM anomaly").getFirst().getFirst());
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("anomalies").forEach(a -> ids.add(a.get("id").asLong()));
        return ids;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String count(String sql) throws SQLException {
        return Sql.rows(db, sql).getFirst().getFirst();
    }

    @Test
    void theFleetListIsNewestFirstFilteredAndPagedByCursor() throws SQLException {
        Instant t = BASE.plus(1, ChronoUnit.DAYS);
        long a1 = anomaly(alpha, "tps", "warning", "closed", t);
        long a2 = anomaly(alpha, "connections", "critical", "closed", t.plus(1, ChronoUnit.HOURS));
        long b1 = anomaly(beta, "tps", "critical", "open", t.plus(2, ChronoUnit.HOURS));
        long a3 = anomaly(alpha, "tps", "critical", "closed", t.plus(2, ChronoUnit.HOURS)); // same start as b1: id breaks the tie
        String range = "&from=" + t.minusSeconds(1) + "&to=" + t.plus(3, ChronoUnit.HOURS);

        ApiClient.Response all = api.get("/anomalies?limit=500" + range, viewer);
        assertEquals(200, all.status(), all.body());
        assertEquals(List.of(a3, b1, a2, a1), ids(all.json()));
        JsonNode first = all.json().get("anomalies").get(3);
        assertEquals("anomaly-alpha", first.get("instanceName").asText());
        assertEquals("tps", first.get("series").asText());
        assertEquals("statement", first.get("hints").get(0).get("type").asText());
        assertEquals("query:42", first.get("hints").get(0).get("ref").asText());
        assertNull(all.json().get("next").textValue());

        List<Long> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ApiClient.Response page = api.get("/anomalies?limit=3" + range + (cursor == null ? "" : "&cursor=" + cursor), viewer);
            assertEquals(200, page.status(), page.body());
            paged.addAll(ids(page.json()));
            cursor = page.json().get("next").textValue();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of(a3, b1, a2, a1), paged, "pages of 3 carry the same list");
        assertEquals(2, pages);

        assertEquals(List.of(a3, b1, a2), ids(api.get("/anomalies?severity=critical" + range, viewer).json()));
        assertEquals(List.of(b1), ids(api.get("/anomalies?state=open" + range, viewer).json()));
        assertEquals(List.of(a3, b1, a1), ids(api.get("/anomalies?series=tps" + range, viewer).json()));
        assertEquals(List.of(b1), ids(api.get("/anomalies?instance=" + beta + range, viewer).json()));
        assertEquals(List.of(a3, a2, a1), ids(api.get("/instances/" + alpha + "/anomalies?severity=warning,critical" + range, viewer).json()));
        // overlapping [from, to): a1 ran from t to t+5m
        assertEquals(List.of(a1), ids(api.get("/anomalies?from=" + t.plus(4, ChronoUnit.MINUTES) + "&to=" + t.plus(30, ChronoUnit.MINUTES), viewer).json()));
    }

    @Test
    void badFiltersGet400NamingTheParameterAndChangeNothing() throws SQLException {
        String before = count("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM anomaly");
        for (String[] bad : new String[][]{
                {"severity=fatal", "severity"}, {"state=gone", "state"}, {"limit=0", "limit"}, {"limit=501", "limit"},
                {"from=yesterday", "from"}, {"from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z", "from"},
                {"cursor=" + enc("not a cursor"), "cursor"}, {"instance=abc", "instance"}, {"series=" + enc("tps; DROP"), "series"}}) {
            ApiClient.Response response = api.get("/anomalies?" + bad[0], viewer);
            assertEquals(400, response.status(), bad[0] + ": " + response.body());
            assertEquals("validation_failed", response.json().get("errorType").asText(), bad[0]);
            assertEquals(bad[1], response.json().get("details").get(0).get("field").asText(), bad[0]);
        }
        assertEquals(400, api.get("/instances/" + alpha + "/anomalies?severity=loud", viewer).status());
        assertEquals(400, api.get("/instances/abc/anomalies", viewer).status());
        assertEquals(before, count("SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM anomaly"));
    }

    @Test
    void anUnknownAnomalyOrInstanceIs404() throws SQLException {
        long id = anomaly(alpha, "tps", "warning", "closed", BASE.plus(3, ChronoUnit.DAYS));
        ApiClient.Response one = api.get("/anomalies/" + id, viewer);
        assertEquals(200, one.status(), one.body());
        assertEquals(id, one.json().get("id").asLong());
        assertEquals(7.5, one.json().get("score").asDouble());
        assertEquals(400.0, one.json().get("actual").asDouble());
        assertEquals(404, api.get("/anomalies/" + (id + 100_000), viewer).status());
        assertEquals(404, api.get("/instances/999999/anomalies", viewer).status());
        assertEquals(404, api.get("/instances/999999/anomaly-settings", viewer).status());
        assertEquals(404, api.get("/instances/999999/anomalies/band?series=tps", viewer).status());
        assertEquals(404, api.post("/anomalies/" + (id + 100_000) + "/feedback", operator, "{\"verdict\":\"real\"}").status());
    }

    @Test
    void aViewerReadsButCannotGiveFeedbackOrChangeSettings() throws SQLException {
        long id = anomaly(alpha, "tps", "warning", "closed", BASE.plus(4, ChronoUnit.DAYS));
        assertEquals(200, api.get("/anomalies/series", viewer).status());
        assertEquals(200, api.get("/instances/" + alpha + "/anomaly-settings", viewer).status());
        assertEquals(200, api.get("/instances/" + alpha + "/anomalies/band?series=tps", viewer).status());
        assertEquals(403, api.post("/anomalies/" + id + "/feedback", viewer, "{\"verdict\":\"real\"}").status());
        assertEquals(403, api.put("/instances/" + alpha + "/anomaly-settings", viewer, "{\"sensitivity\":\"high\"}").status());
        assertEquals(403, api.post("/instances/" + alpha + "/anomaly-exclusions", viewer,
                "{\"startsAt\":\"" + Instant.now() + "\",\"reason\":\"nightly load\"}").status());
        assertEquals(403, api.delete("/instances/" + alpha + "/anomaly-exclusions/1", viewer).status());
        assertEquals(401, api.get("/anomalies", null).status());
        assertEquals("0", count("SELECT count(*) FROM anomaly_feedback WHERE anomaly_id = " + id));
    }

    @Test
    void feedbackIsStoredWithTheOperatorsIdAndAudited() throws SQLException {
        long id = anomaly(beta, "tps", "critical", "closed", BASE.plus(5, ChronoUnit.DAYS));
        ApiClient.Response response = api.post("/anomalies/" + id + "/feedback", operator,
                "{\"verdict\":\"expected\",\"comment\":\"the monthly report\"}");
        assertEquals(200, response.status(), response.body());
        assertEquals(AnomalyView.EXPECTED, response.json().get("feedback").asText());
        assertEquals(List.of(List.of("expected", "the monthly report", operatorId)),
                Sql.rows(db, "SELECT verdict, comment, user_id FROM anomaly_feedback WHERE anomaly_id = " + id));
        assertEquals("expected", count("SELECT feedback FROM anomaly WHERE id = " + id));
        assertEquals(List.of(List.of("anomaly", Long.toString(id), operatorId)), Sql.rows(db,
                "SELECT resource_type, resource_id, actor_id FROM audit.record WHERE action = 'anomaly.feedback' AND resource_id = '" + id + "'"));

        assertEquals(400, api.post("/anomalies/" + id + "/feedback", operator, "{\"verdict\":\"maybe\"}").status());
        assertEquals(400, api.post("/anomalies/" + id + "/feedback", operator,
                "{\"verdict\":\"real\",\"comment\":\"" + "x".repeat(1001) + "\"}").status());
        assertEquals("1", count("SELECT count(*) FROM anomaly_feedback WHERE anomaly_id = " + id), "refused feedback stores nothing");
    }

    @Test
    void sensitivityAndExclusionsRoundTripAndTheStoreAnswersTheScorer() throws SQLException {
        long gamma = new SeriesData(server).instance("anomaly-gamma", Instant.now(), Instant.now(), false);
        AnomalyTuning tuning = server.anomalies().tuning();
        assertEquals(1.0, tuning.thresholdFactor(gamma));
        JsonNode initial = api.get("/instances/" + gamma + "/anomaly-settings", viewer).json();
        assertEquals("normal", initial.get("sensitivity").asText());
        assertFalse(initial.get("learning").asBoolean());

        ApiClient.Response put = api.put("/instances/" + gamma + "/anomaly-settings", operator, "{\"sensitivity\":\"high\"}");
        assertEquals(200, put.status(), put.body());
        assertEquals("high", put.json().get("sensitivity").asText());
        assertEquals(operatorId, put.json().get("updatedBy").asText());
        assertEquals(0.75, tuning.thresholdFactor(gamma), "the store sees the change at once on the node that made it");
        assertEquals("1", count("SELECT count(*) FROM audit.record WHERE action = 'anomaly.settings.update' AND resource_id = '" + gamma + "'"));

        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ApiClient.Response created = api.post("/instances/" + gamma + "/anomaly-exclusions", operator, "{\"series\":\"tps\",\"startsAt\":\""
                + start + "\",\"endsAt\":\"" + start.plus(1, ChronoUnit.HOURS) + "\",\"reason\":\"nightly batch load\"}");
        assertEquals(201, created.status(), created.body());
        long exclusion = created.json().get("id").asLong();
        assertEquals(operatorId, created.json().get("createdBy").asText());
        assertTrue(tuning.excluded(gamma, "tps", start.plus(10, ChronoUnit.MINUTES)));
        assertFalse(tuning.excluded(gamma, "tps", start.plus(2, ChronoUnit.HOURS)), "after the window");
        assertFalse(tuning.excluded(gamma, "connections", start.plus(10, ChronoUnit.MINUTES)), "another series");
        assertFalse(tuning.excluded(alpha, "tps", start.plus(10, ChronoUnit.MINUTES)), "another instance");
        JsonNode settings = api.get("/instances/" + gamma + "/anomaly-settings", viewer).json();
        assertEquals(exclusion, settings.get("exclusions").get(0).get("id").asLong());
        assertEquals("nightly batch load", settings.get("exclusions").get(0).get("reason").asText());

        ApiClient.Response all = api.post("/instances/" + gamma + "/anomaly-exclusions", operator,
                "{\"startsAt\":\"" + start + "\",\"reason\":\"maintenance\"}");
        assertEquals(201, all.status(), all.body());
        assertTrue(tuning.excluded(gamma, "statement_latency_ms:42", start.plus(3, ChronoUnit.DAYS)), "every series, open-ended");

        assertEquals(204, api.delete("/instances/" + gamma + "/anomaly-exclusions/" + exclusion, operator).status());
        assertEquals(204, api.delete("/instances/" + gamma + "/anomaly-exclusions/" + all.json().get("id").asLong(), operator).status());
        assertFalse(tuning.excluded(gamma, "tps", start.plus(10, ChronoUnit.MINUTES)));
        assertEquals(404, api.delete("/instances/" + gamma + "/anomaly-exclusions/" + exclusion, operator).status());
        assertEquals("2", count("SELECT count(*) FROM audit.record WHERE action = 'anomaly.exclusion.delete'"
                + " AND resource_id IN ('" + exclusion + "', '" + all.json().get("id").asLong() + "')"));
    }

    @Test
    void theSettingsReportLearningFromTheCheckpointedDetectorState() throws SQLException {
        long zeta = new SeriesData(server).instance("anomaly-zeta", Instant.now(), Instant.now(), false);
        JsonNode none = api.get("/instances/" + zeta + "/anomaly-settings", viewer).json();
        assertFalse(none.get("learning").asBoolean());
        assertEquals(0, none.get("seriesTotal").asInt());
        int learningPoints = DetectorConfig.defaults().learningPoints();
        Instant last = Instant.parse("2026-12-01T10:00:00Z");
        Sql.execute(db, "INSERT INTO anomaly_detector_state (instance_id, series, snapshot, last_point_at, points, updated_at) VALUES"
                + " (" + zeta + ", 'tps', '\\x00', '" + last + "', 5, now()),"
                + " (" + zeta + ", 'connections', '\\x00', '" + last + "', " + (learningPoints + 10) + ", now())");
        JsonNode settings = api.get("/instances/" + zeta + "/anomaly-settings", viewer).json();
        assertTrue(settings.get("learning").asBoolean(), settings.toString());
        assertEquals(1, settings.get("seriesLearning").asInt());
        assertEquals(2, settings.get("seriesTotal").asInt());
        assertEquals(last.plusSeconds(60L * (learningPoints - 5)), Instant.parse(settings.get("learningUntil").asText()));
    }

    @Test
    void badSettingsAndExclusionBodiesAreRefusedAndChangeNothing() throws SQLException {
        long delta = new SeriesData(server).instance("anomaly-delta", Instant.now(), Instant.now(), false);
        String now = Instant.now().toString();
        assertEquals(400, api.put("/instances/" + delta + "/anomaly-settings", operator, "{\"sensitivity\":\"extreme\"}").status());
        assertEquals(400, api.put("/instances/" + delta + "/anomaly-settings", operator, "{}").status());
        assertEquals(400, api.put("/instances/" + delta + "/anomaly-settings", operator, "{\"sensitivty\":\"low\"}").status());
        String path = "/instances/" + delta + "/anomaly-exclusions";
        for (String body : List.of(
                "{\"startsAt\":\"" + now + "\"}",
                "{\"startsAt\":\"" + now + "\",\"reason\":\"   \"}",
                "{\"startsAt\":\"" + now + "\",\"reason\":\"" + "r".repeat(501) + "\"}",
                "{\"reason\":\"no start\"}",
                "{\"startsAt\":\"" + now + "\",\"endsAt\":\"" + now + "\",\"reason\":\"empty window\"}",
                "{\"startsAt\":\"2020-01-01T00:00:00Z\",\"reason\":\"long ago\"}",
                "{\"series\":\"tps latency\",\"startsAt\":\"" + now + "\",\"reason\":\"bad series\"}",
                "{\"startsAt\":\"not a time\",\"reason\":\"bad time\"}")) {
            ApiClient.Response response = api.post(path, operator, body);
            assertEquals(400, response.status(), body + ": " + response.body());
        }
        assertEquals(404, api.post("/instances/999999/anomaly-exclusions", operator,
                "{\"startsAt\":\"" + now + "\",\"reason\":\"unknown instance\"}").status());
        assertEquals("0", count("SELECT count(*) FROM anomaly_exclusion WHERE instance_id = " + delta));
        assertEquals("0", count("SELECT count(*) FROM anomaly_settings WHERE instance_id = " + delta));
        assertEquals(1.0, server.anomalies().tuning().thresholdFactor(delta));
    }

    @Test
    void theHundredAndFirstExclusionOfAnInstanceIsAConflict() throws SQLException {
        long epsilon = new SeriesData(server).instance("anomaly-epsilon", Instant.now(), Instant.now(), false);
        Sql.execute(db, "INSERT INTO anomaly_exclusion (instance_id, series, starts_at, reason, created_by, created_at)"
                + " SELECT " + epsilon + ", 'tps', now(), 'load ' || g, '1', now() FROM generate_series(1, 100) g");
        ApiClient.Response response = api.post("/instances/" + epsilon + "/anomaly-exclusions", operator,
                "{\"startsAt\":\"" + Instant.now() + "\",\"reason\":\"one too many\"}");
        assertEquals(409, response.status(), response.body());
        assertEquals("100", count("SELECT count(*) FROM anomaly_exclusion WHERE instance_id = " + epsilon));
    }

    @Test
    void theBandGivesMinutePointsWithValuesAndTheSeriesAnomaliesInTheRange() throws SQLException {
        Instant hour = BASE.plus(6, ChronoUnit.DAYS);
        // minutes 0..59 of the hour; minute 2 not scored (null)
        Sql.execute(db, "INSERT INTO anomaly_band (instance_id, series, hour, expected, lower_bound, upper_bound) VALUES (" + alpha
                + ", 'tps', '" + hour + "', (SELECT array_agg(CASE WHEN g = 3 THEN NULL ELSE g::real END ORDER BY g) FROM generate_series(1, 60) g),"
                + " (SELECT array_agg((g - 1)::real ORDER BY g) FROM generate_series(1, 60) g),"
                + " (SELECT array_agg((g + 1)::real ORDER BY g) FROM generate_series(1, 60) g))");
        long inside = anomaly(alpha, "tps", "critical", "closed", hour.plus(3, ChronoUnit.MINUTES));
        anomaly(alpha, "connections", "critical", "closed", hour.plus(3, ChronoUnit.MINUTES));
        anomaly(alpha, "tps", "critical", "closed", hour.plus(2, ChronoUnit.HOURS));

        ApiClient.Response response = api.get("/instances/" + alpha + "/anomalies/band?series=tps&from=" + hour + "&to="
                + hour.plus(5, ChronoUnit.MINUTES), viewer);
        assertEquals(200, response.status(), response.body());
        JsonNode band = response.json();
        List<String> at = new ArrayList<>();
        band.get("points").forEach(p -> at.add(p.get("at").asText()));
        assertEquals(List.of(hour.toString(), hour.plusSeconds(60).toString(), hour.plusSeconds(180).toString(),
                hour.plusSeconds(240).toString()), at, "minutes 0, 1, 3, 4: minute 2 has no value");
        assertEquals(4.0, band.get("points").get(2).get("expected").asDouble());
        assertEquals(3.0, band.get("points").get(2).get("lower").asDouble());
        assertEquals(5.0, band.get("points").get(2).get("upper").asDouble());
        assertEquals(1, band.get("anomalies").size());
        assertEquals(inside, band.get("anomalies").get(0).get("id").asLong());

        assertEquals(400, api.get("/instances/" + alpha + "/anomalies/band?series=tps&from=" + hour + "&to="
                + hour.plus(8, ChronoUnit.DAYS), viewer).status(), "more than 7 days");
        assertEquals(400, api.get("/instances/" + alpha + "/anomalies/band?from=" + hour, viewer).status(), "no series");
        assertEquals(400, api.get("/instances/" + alpha + "/anomalies/band?series=tps&from=" + hour + "&to=" + hour, viewer).status());
    }

    @Test
    void theSeriesCatalogueListsTheScoredSeriesAndAnomaliesCarryTheirLabels() throws SQLException {
        ApiClient.Response response = api.get("/anomalies/series", viewer);
        assertEquals(200, response.status());
        List<String> series = new ArrayList<>();
        response.json().forEach(info -> series.add(info.get("series").asText()));
        assertTrue(series.containsAll(List.of("tps", "connections", "cache_hit_ratio", "instance")), series.toString());
        long id = anomaly(alpha, "tps", "warning", "closed", BASE.plus(7, ChronoUnit.DAYS));
        JsonNode view = api.get("/anomalies/" + id, viewer).json();
        assertNotNull(view.get("label").textValue());
        assertFalse(view.get("label").asText().isBlank());
    }
}
