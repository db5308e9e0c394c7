package io.pganalytics.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.query.SeriesData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /archiving} and {@code /instances/{id}/archiving} over real HTTPS, from archiver samples put in with SQL:
 * the state rules (failing, stale, disabled, unknown, ok), worst first, and the errors.
 */
class ArchivingApiTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String viewer;
    private static Instant now;
    private static long failing;
    private static long stale;
    private static long staleNeverArchived;
    private static long quiet;
    private static long disabled;
    private static long standby;
    private static long unknown;
    private static long recovered;

    @BeforeAll
    static void start() {
        server = TestServers.start("archiving_api");
        api = new ApiClient(server);
        viewer = api.loginNewViewer("archiving-viewer");
        SeriesData data = new SeriesData(server);
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant collected = now.minusSeconds(10);
        List<Map<String, Object>> rows = new ArrayList<>();

        failing = data.instance("arch-failing", collected, collected, false);
        rows.add(sample(failing, collected, "on", 10, "000000010000000000000009", now.minusSeconds(600), 4,
                "00000001000000000000000A", now.minusSeconds(30), "00000001000000000000000B"));

        // segment 0x0C was complete 20 minutes ago (0x0D being written) and the newest archived one is still 0x09
        stale = data.instance("arch-stale", collected, collected, false);
        rows.add(sample(stale, collected.minus(20, ChronoUnit.MINUTES), "on", 9, "000000010000000000000009",
                now.minus(40, ChronoUnit.MINUTES), 0, null, null, "00000001000000000000000D"));
        rows.add(sample(stale, collected, "on", 9, "000000010000000000000009", now.minus(40, ChronoUnit.MINUTES), 0, null, null,
                "000000010000000000000010"));

        staleNeverArchived = data.instance("arch-stale-never", collected, collected, false);
        rows.add(sample(staleNeverArchived, collected.minus(50, ChronoUnit.MINUTES), "on", 0, null, null, 0, null, null,
                "000000010000000000000001"));
        rows.add(sample(staleNeverArchived, collected.minus(20, ChronoUnit.MINUTES), "on", 0, null, null, 0, null, null,
                "000000010000000000000003"));
        rows.add(sample(staleNeverArchived, collected, "on", 0, null, null, 0, null, null, "000000010000000000000004"));

        // nothing archived for an hour, but no WAL was written: only the segment being written is unarchived
        quiet = data.instance("arch-quiet", collected, collected, false);
        rows.add(sample(quiet, collected.minus(30, ChronoUnit.MINUTES), "on", 3, "000000010000000000000003",
                now.minus(60, ChronoUnit.MINUTES), 0, null, null, "000000010000000000000004"));
        rows.add(sample(quiet, collected, "on", 3, "000000010000000000000003", now.minus(60, ChronoUnit.MINUTES), 0, null, null,
                "000000010000000000000004"));

        disabled = data.instance("arch-disabled", collected, collected, false);
        rows.add(sample(disabled, collected, "off", 0, null, null, 0, null, null, "000000010000000000000004"));

        standby = data.instance("arch-standby", collected, collected, true);
        Map<String, Object> standbyRow = sample(standby, collected, "on", 0, null, null, 0, null, null, null);
        standbyRow.put("in_recovery", true);
        rows.add(standbyRow);

        unknown = data.instance("arch-unknown", collected, collected, false);

        // the last failure is older than the last success: archiving recovered
        recovered = data.instance("arch-recovered", collected, collected, false);
        rows.add(sample(recovered, collected, "on", 12, "00000001000000000000000C", now.minusSeconds(20), 2,
                "00000001000000000000000B", now.minusSeconds(200), "00000001000000000000000D"));
        data.insert(MetricCatalog.ARCHIVER, Resolution.RAW, rows);
    }

    private static Map<String, Object> sample(long instance, Instant at, String mode, long archived, String lastArchived,
                                              Instant lastArchivedAt, long failed, String lastFailed, Instant lastFailedAt,
                                              String currentWal) {
        Map<String, Object> row = new java.util.LinkedHashMap<>(row("instance_id", instance, "collected_at", at, "archive_mode", mode,
                "archived_count", archived, "failed_count", failed, "archive_timeout_seconds", 0.0, "in_recovery", false));
        row.put("last_archived_wal", lastArchived);
        row.put("last_archived_time", lastArchivedAt);
        row.put("last_failed_wal", lastFailed);
        row.put("last_failed_time", lastFailedAt);
        row.put("current_wal", currentWal);
        return row;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theFleetsArchivingIsListedWorstFirstWithTheStateRules() {
        ApiClient.Response response = api.get("/archiving", viewer);
        assertEquals(200, response.status(), response.body());
        List<String> states = new ArrayList<>();
        Map<Long, JsonNode> byId = new java.util.HashMap<>();
        for (JsonNode item : response.json()) {
            states.add(item.get("state").asText());
            byId.put(item.get("instanceId").asLong(), item);
        }
        assertEquals("failing", byId.get(failing).get("state").asText());
        assertEquals(4, byId.get(failing).get("failedCount").asLong());
        assertEquals("00000001000000000000000A", byId.get(failing).get("lastFailedWal").asText());
        assertEquals("stale", byId.get(stale).get("state").asText(), byId.get(stale).toString());
        assertEquals("stale", byId.get(staleNeverArchived).get("state").asText(), byId.get(staleNeverArchived).toString());
        assertEquals("ok", byId.get(quiet).get("state").asText(), "no completed segment waits: " + byId.get(quiet));
        assertEquals("disabled", byId.get(disabled).get("state").asText());
        assertEquals("off", byId.get(disabled).get("archiveMode").asText());
        assertEquals("disabled", byId.get(standby).get("state").asText(), "archive_mode=on archives nothing on a standby");
        assertEquals("unknown", byId.get(unknown).get("state").asText());
        assertTrue(byId.get(unknown).get("sampledAt").isNull());
        assertEquals("ok", byId.get(recovered).get("state").asText());
        assertEquals("arch-failing", byId.get(failing).get("instanceName").asText());

        List<String> order = List.of("failing", "stale", "disabled", "unknown", "ok");
        List<String> sorted = new ArrayList<>(states);
        sorted.sort(java.util.Comparator.comparingInt(order::indexOf));
        assertEquals(sorted, states, "worst first");
        assertEquals(List.of("failing", "stale", "stale", "disabled", "disabled", "unknown", "ok", "ok"), states);
    }

    @Test
    void oneInstancesArchivingHasTheSameStateAndAnUnknownInstanceIs404() {
        ApiClient.Response response = api.get("/instances/" + stale + "/archiving", viewer);
        assertEquals(200, response.status(), response.body());
        assertEquals("stale", response.json().get("state").asText());
        assertEquals("000000010000000000000009", response.json().get("lastArchivedWal").asText());
        assertEquals(404, api.get("/instances/999999/archiving", viewer).status());
        assertEquals(400, api.get("/instances/abc/archiving", viewer).status());
        assertEquals(401, api.get("/archiving", null).status());
    }
}
