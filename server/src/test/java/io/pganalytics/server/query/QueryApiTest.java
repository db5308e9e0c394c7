package io.pganalytics.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.ingest.StoredBatch;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.pganalytics.server.query.SeriesData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query API over real HTTPS against data put in with SQL: statuses, series resolutions and rates, top queries, indexes, errors, cache. */
class QueryApiTest {
    /** Raw database snapshots every minute for the last hour, aligned so that 10-minute steps hold whole snapshots. */
    private static final int SNAPSHOTS = 60;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String viewer;
    private static SeriesData data;
    private static Instant now;
    private static Instant rawStart;
    private static long up;
    private static long stale;
    private static long down;

    @BeforeAll
    static void start() {
        server = TestServers.start("query_api");
        api = new ApiClient(server);
        viewer = api.loginNewViewer("query-viewer");
        data = new SeriesData(server);
        now = Instant.now();
        up = data.instance("alpha", now.minusSeconds(20), now.minusSeconds(30), false);
        stale = data.instance("bravo", now.minus(5, ChronoUnit.MINUTES), now.minus(5, ChronoUnit.MINUTES), false);
        down = data.instance("charlie", now.minus(11, ChronoUnit.MINUTES), now.minus(11, ChronoUnit.MINUTES), true);
        rawStart = Instant.ofEpochSecond(now.minus(70, ChronoUnit.MINUTES).getEpochSecond() / 600 * 600);
        List<Map<String, Object>> database = new ArrayList<>();
        for (int k = 0; k < SNAPSHOTS; k++) {
            Instant at = rawStart.plusSeconds(60L * k);
            database.add(row("instance_id", up, "collected_at", at, "interval_seconds", 60.0, "datname", "app",
                    "xact_commit", 60L * k, "xact_rollback", 6L, "blks_hit", 900L, "blks_read", 100L));
            database.add(row("instance_id", up, "collected_at", at, "interval_seconds", 60.0, "datname", "postgres",
                    "xact_commit", 120L, "xact_rollback", 0L, "blks_hit", 100L, "blks_read", 0L));
        }
        // the latest snapshot, for the fleet's key figures (outside the series tests' ranges)
        for (String datname : List.of("app", "postgres")) {
            database.add(row("instance_id", up, "collected_at", now.minusSeconds(30), "interval_seconds", 60.0, "datname", datname,
                    "xact_commit", datname.equals("app") ? 300L : 120L, "xact_rollback", datname.equals("app") ? 6L : 0L,
                    "blks_hit", datname.equals("app") ? 900L : 100L, "blks_read", datname.equals("app") ? 100L : 0L));
        }
        data.insert(MetricCatalog.DATABASE, Resolution.RAW, database);
        data.activity(up, now.minusSeconds(30), 12, 3);

        Instant minuteStart = now.truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.DAYS);
        List<Map<String, Object>> minutes = new ArrayList<>();
        for (Instant b = minuteStart; b.isBefore(now); b = b.plusSeconds(60)) {
            minutes.add(row("instance_id", up, "bucket", b, "samples", 1, "interval_seconds", 60.0, "datname", "app",
                    "xact_commit", 120L, "xact_rollback", 0L));
        }
        data.insert(MetricCatalog.DATABASE, Resolution.MINUTE, minutes);
        Instant hourStart = now.truncatedTo(ChronoUnit.HOURS).minus(60, ChronoUnit.DAYS);
        List<Map<String, Object>> hours = new ArrayList<>();
        for (Instant b = hourStart; b.isBefore(now); b = b.plusSeconds(3600)) {
            hours.add(row("instance_id", up, "bucket", b, "samples", 60, "interval_seconds", 3600.0, "datname", "app",
                    "xact_commit", 5L * 3600, "xact_rollback", 0L));
        }
        data.insert(MetricCatalog.DATABASE, Resolution.HOUR, hours);

        statements();
        indexes();
    }

    private static void statements() {
        Instant a = now.minus(20, ChronoUnit.MINUTES);
        Instant b = now.minus(10, ChronoUnit.MINUTES);
        List<Map<String, Object>> rows = new ArrayList<>();
        // queryid, calls, total ms, rows per snapshot: 11 fast and frequent, 22 slow, 33 many cheap calls
        long[][] stats = {{11, 50, 500, 50}, {22, 5, 2500, 5}, {33, 500, 1000, 5000}, {0, 7, 70, 7}};
        for (Instant at : List.of(a, b)) {
            for (long[] s : stats) {
                rows.add(row("instance_id", up, "collected_at", at, "interval_seconds", 60.0, "dbid", 5L, "userid", 10L,
                        "queryid", s[0], "toplevel", true, "datname", "app", "username", "app", "calls", s[1],
                        "total_exec_time", (double) s[2], "rows", s[3], "shared_blks_hit", 10L, "shared_blks_read", s[0]));
            }
        }
        data.insert(MetricCatalog.STATEMENTS, Resolution.RAW, rows);
        data.insertText(up, 5, 11, "app", "SELECT * FROM accounts WHERE id = $1");
        data.insertText(up, 5, 22, "app", "SELECT sum(amount) FROM ledger GROUP BY account " + "x".repeat(400));
        data.insertText(up, 5, 33, "app", "UPDATE counters SET n = n + $1");
    }

    private static void indexes() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Instant at : List.of(now.minus(15, ChronoUnit.MINUTES), now.minus(5, ChronoUnit.MINUTES))) {
            rows.add(row("instance_id", up, "collected_at", at, "interval_seconds", 300.0, "datname", "app", "schemaname", "public",
                    "relname", "accounts", "indexrelname", "accounts_email_idx", "idx_scan", 0L, "size_bytes", 8192L,
                    "is_valid", true, "is_unique", false, "is_primary", false));
            rows.add(row("instance_id", up, "collected_at", at, "interval_seconds", 300.0, "datname", "app", "schemaname", "public",
                    "relname", "accounts", "indexrelname", "accounts_pkey", "idx_scan", 0L, "size_bytes", 16384L,
                    "is_valid", true, "is_unique", true, "is_primary", true));
            rows.add(row("instance_id", up, "collected_at", at, "interval_seconds", 300.0, "datname", "app", "schemaname", "public",
                    "relname", "accounts", "indexrelname", "accounts_name_idx", "idx_scan", 7L, "size_bytes", 4096L,
                    "is_valid", true, "is_unique", false, "is_primary", false));
        }
        data.insert(MetricCatalog.INDEXES, Resolution.RAW, rows);
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

    private void badRequest(String path, String field) {
        ApiClient.Response response = api.get(path, viewer);
        assertEquals(400, response.status(), path + ": " + response.body());
        assertEquals("validation_failed", response.json().get("errorType").asText(), response.body());
        assertEquals(field, response.json().get("details").get(0).get("field").asText(), response.body());
    }

    @Test
    void theFleetShowsUpStaleAndDownInstancesWithKeyFigures() {
        JsonNode page = ok("/instances");
        assertEquals(3, page.get("total").asInt(), page.toString());
        assertEquals(1, page.get("counts").get("up").asInt());
        assertEquals(1, page.get("counts").get("stale").asInt());
        assertEquals(1, page.get("counts").get("down").asInt());
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        page.get("items").forEach(item -> byName.put(item.get("name").asText(), item));
        assertEquals("up", byName.get("alpha").get("status").asText());
        assertEquals("stale", byName.get("bravo").get("status").asText());
        assertEquals("down", byName.get("charlie").get("status").asText());
        assertEquals("standby", byName.get("charlie").get("role").asText());
        assertEquals("primary", byName.get("alpha").get("role").asText());
        JsonNode figures = byName.get("alpha").get("figures");
        assertEquals(12, figures.get("connections").asLong());
        assertEquals((300 + 6 + 120) / 60.0, figures.get("tps").asDouble(), 1e-9, figures.toString());
        assertEquals(1000.0 / 1100.0, figures.get("cacheHitRatio").asDouble(), 1e-9);

        JsonNode downOnly = ok("/instances?status=down");
        assertEquals(1, downOnly.get("total").asInt());
        assertEquals("charlie", downOnly.get("items").get(0).get("name").asText());
        assertEquals(1, ok("/instances?search=RAV").get("total").asInt());
        JsonNode second = ok("/instances?limit=1&offset=1");
        assertEquals(1, second.get("items").size());
        assertEquals("bravo", second.get("items").get(0).get("name").asText());
    }

    @Test
    void anInstanceHasItsVersionRoleAndDatabases() {
        JsonNode detail = ok("/instances/" + up);
        assertEquals("17.2", detail.get("summary").get("version").asText());
        assertEquals(170002, detail.get("serverVersionNum").asInt());
        assertEquals(404, api.get("/instances/999999", viewer).status());
    }

    @Test
    void aRawSeriesComputesRatesAsSummedDeltasOverSummedSeconds() {
        Instant from = rawStart;
        Instant to = rawStart.plusSeconds(3600);
        JsonNode series = ok("/instances/" + up + "/series?metric=tps&from=" + from + "&to=" + to + "&step=600");
        assertEquals("raw", series.get("resolution").asText());
        assertEquals(600, series.get("stepSeconds").asInt());
        JsonNode points = series.get("points");
        assertEquals(6, points.size(), series.toString());
        for (int step = 0; step < 6; step++) {
            // by hand: 10 snapshots of two databases, each snapshot 60 s: (sum of 60k + 6 + 120) / 600 s
            double deltas = 0;
            for (int k = step * 10; k < step * 10 + 10; k++) {
                deltas += 60.0 * k + 6 + 120;
            }
            assertEquals(from.plusSeconds(600L * step).toString(), points.get(step).get(0).asText());
            assertEquals(deltas / 600.0, points.get(step).get(1).asDouble(), 1e-9, "step " + step);
        }
        JsonNode ratio = ok("/instances/" + up + "/series?metric=cache_hit_ratio&from=" + from + "&to=" + to);
        assertEquals(1000.0 / 1100.0, ratio.get("points").get(0).get(1).asDouble(), 1e-9);
    }

    @Test
    void longerRangesUseMinuteThenHourRollupsWithBoundedPoints() {
        Instant to = now.truncatedTo(ChronoUnit.MINUTES);
        JsonNode twoDays = ok("/instances/" + up + "/series?metric=tps&from=" + to.minus(2, ChronoUnit.DAYS) + "&to=" + to);
        assertEquals("1m", twoDays.get("resolution").asText());
        assertEquals(300, twoDays.get("stepSeconds").asInt(), "172800 s / 1000 points rounds up to 5 minutes");
        assertTrue(twoDays.get("points").size() <= 1000);
        assertTrue(twoDays.get("points").size() >= 570, twoDays.get("points").size() + " points");
        twoDays.get("points").forEach(p -> assertEquals(2.0, p.get(1).asDouble(), 1e-9));

        JsonNode month = ok("/instances/" + up + "/series?metric=tps&from=" + to.minus(30, ChronoUnit.DAYS) + "&to=" + to);
        assertEquals("1h", month.get("resolution").asText());
        assertEquals(3600, month.get("stepSeconds").asInt());
        assertTrue(month.get("points").size() <= 1000 && month.get("points").size() >= 719, month.get("points").size() + " points");
        month.get("points").forEach(p -> assertEquals(5.0, p.get(1).asDouble(), 1e-9));

        JsonNode sixHours = ok("/instances/" + up + "/series?metric=tps&from=" + to.minus(6, ChronoUnit.HOURS) + "&to=" + to);
        assertEquals("raw", sixHours.get("resolution").asText());
        badRequest("/instances/" + up + "/series?metric=tps&from=" + to.minus(30, ChronoUnit.DAYS) + "&to=" + to + "&step=60", "step");
    }

    @Test
    void topQueriesAreOrderedAsAskedWithMeanTimes() {
        String range = "&from=" + now.minus(1, ChronoUnit.HOURS) + "&to=" + now;
        JsonNode byTime = ok("/instances/" + up + "/queries/top?orderBy=total_time" + range);
        assertEquals(List.of(22L, 33L, 11L), queryids(byTime));
        assertEquals(3, byTime.get("total").asInt());
        JsonNode slow = byTime.get("items").get(0);
        assertEquals(10, slow.get("calls").asLong());
        assertEquals(5000.0, slow.get("totalTimeMs").asDouble(), 1e-9);
        assertEquals(500.0, slow.get("meanTimeMs").asDouble(), 1e-9);
        assertTrue(slow.get("textTruncated").asBoolean());
        assertEquals(300, slow.get("text").asText().length());
        assertEquals(14, byTime.get("other").get("calls").asLong(), "the collector's 'other' row is kept apart");
        assertEquals(List.of(33L, 11L, 22L), queryids(ok("/instances/" + up + "/queries/top?orderBy=calls" + range)));
        assertEquals(List.of(22L, 11L, 33L), queryids(ok("/instances/" + up + "/queries/top?orderBy=mean_time" + range)));
        assertEquals(List.of(33L, 11L, 22L), queryids(ok("/instances/" + up + "/queries/top?orderBy=rows" + range)));
        assertEquals(List.of(33L), queryids(ok("/instances/" + up + "/queries/top?orderBy=io&limit=1" + range)));

        JsonNode detail = ok("/instances/" + up + "/queries/22?dbid=5" + range);
        assertTrue(detail.get("text").asText().length() > 400, "the full text");
        assertEquals(2, detail.get("timeline").size());
        assertEquals(250.0 * 2 / 1, detail.get("timeline").get(0).get("meanTimeMs").asDouble(), 1e-9);
        assertEquals(404, api.get("/instances/" + up + "/queries/4242?" + range.substring(1), viewer).status());
    }

    private static List<Long> queryids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("queryid").asLong()));
        return ids;
    }

    @Test
    void indexesWithoutScansThatEnforceNothingAreFlaggedUnused() {
        String range = "?from=" + now.minus(1, ChronoUnit.HOURS) + "&to=" + now;
        JsonNode page = ok("/instances/" + up + "/indexes" + range + "&orderBy=name");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        page.get("items").forEach(item -> byName.put(item.get("indexrelname").asText(), item));
        assertEquals(3, byName.size(), page.toString());
        assertTrue(byName.get("accounts_email_idx").get("unused").asBoolean());
        assertFalse(byName.get("accounts_pkey").get("unused").asBoolean(), "a primary key is never unused");
        assertFalse(byName.get("accounts_name_idx").get("unused").asBoolean());
        assertEquals(14, byName.get("accounts_name_idx").get("idxScan").asLong());
        JsonNode unused = ok("/instances/" + up + "/indexes" + range + "&unused=true");
        assertEquals(1, unused.get("total").asInt());
        assertEquals("accounts_email_idx", unused.get("items").get(0).get("indexrelname").asText());
    }

    @Test
    void theOtherRoutesAnswerForAnInstanceWithLittleData() {
        assertEquals(0, ok("/instances/" + stale + "/waits").get("items").size());
        assertEquals(0, ok("/instances/" + stale + "/tables").get("total").asInt());
        assertEquals("primary", ok("/instances/" + stale + "/replication").get("role").asText());
        JsonNode activity = ok("/instances/" + up + "/activity");
        assertEquals(12, activity.get("totals").get("total").asLong());
        assertTrue(ok("/series/metrics").size() > 20);
    }

    @Test
    void badParametersGet400EnvelopesNamingTheParameter() {
        String base = "/instances/" + up;
        badRequest(base + "/series?metric=tps&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from");
        badRequest(base + "/series?metric=tps&from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z", "to");
        badRequest(base + "/series?metric=tps&from=yesterday", "from");
        ApiClient.Response unknown = api.get(base + "/series?metric=nonsense", viewer);
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().contains("tps") && unknown.body().contains("cache_hit_ratio"), "names the known metrics: " + unknown.body());
        badRequest(base + "/series", "metric");
        badRequest(base + "/queries/top?orderBy=speed", "orderBy");
        badRequest("/instances/abc", "id");
        badRequest("/instances/abc/series?metric=tps", "id");
        badRequest(base + "/queries/top?limit=0", "limit");
        badRequest(base + "/queries/top?limit=501", "limit");
        badRequest("/instances?limit=x", "limit");
        badRequest("/instances?status=sleepy", "status");
        badRequest(base + "/queries/notanumber", "queryid");
    }

    @Test
    void aViewerMayReadAndAnAnonymousCallerGets401() {
        assertEquals(200, api.get("/instances", viewer).status());
        ApiClient.Response anonymous = api.get("/instances", null);
        assertEquals(401, anonymous.status());
        assertEquals("unauthenticated", anonymous.json().get("errorType").asText());
        assertEquals(401, api.get("/instances/" + up + "/series?metric=tps", null).status());
    }

    @Test
    void aRepeatedRequestIsACacheHitUntilAnIngestForItsInstance() throws Exception {
        String path = "/instances/" + up + "/series?metric=commits&from=" + rawStart + "&to=" + rawStart.plusSeconds(1800);
        ok(path);
        double hits = cacheRequests("hit");
        double misses = cacheRequests("miss");
        ok(path);
        assertEquals(hits + 1, cacheRequests("hit"), "the second identical request is a hit");
        assertEquals(misses, cacheRequests("miss"));
        long nearHits = server.query().nearCacheHits();
        ok(path);
        assertTrue(server.query().nearCacheHits() > nearHits, "the third is served by this member's near cache");
        hits++;

        server.afterIngest(new StoredBatch("collector-1", "test", "batch-1", Instant.now(), Map.of("database", 2),
                List.of(new InstanceUpdate(up, "alpha", Instant.now(), List.of("database"), Map.of("tps", 1.0), Map.of()))));
        ok(path);
        assertEquals(misses + 1, cacheRequests("miss"), "new data for the instance invalidates its answers");
        assertEquals(hits + 1, cacheRequests("hit"));
        ok("/instances/" + stale + "/series?metric=commits&from=" + rawStart + "&to=" + rawStart.plusSeconds(1800));
        double missesBefore = cacheRequests("miss");
        ok("/instances/" + stale + "/series?metric=commits&from=" + rawStart + "&to=" + rawStart.plusSeconds(1800));
        assertEquals(missesBefore, cacheRequests("miss"), "another instance's answers stay cached");
    }

    private static double cacheRequests(String result) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("pganalytics_query_cache_requests_total\\{result=\"" + result + "\"} (\\S+)").matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
