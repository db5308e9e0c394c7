package io.pganalytics.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.pganalytics.server.query.SeriesData.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code encryption.statement-texts}: ingest seals the statement texts before they reach the database, the query API
 * opens them, both forms stay readable when the option is turned off, and a sealed text moved to another row is refused.
 */
class StatementTextsSealedTest {

    @Test
    void withTheOptionOnTextsAreSealedAtIngestOpenedByTheQueryApiAndStayReadableWhenItIsTurnedOff() throws Exception {
        String url = SharedPostgres.newDatabase("texts_sealed");
        String marker = UUID.randomUUID().toString().replace("-", "");
        String secretA = "SELECT salary_" + marker + " FROM payroll WHERE ssn = $1";
        String secretB = "UPDATE payroll SET bonus_" + marker + " = $1";
        String clearC = "SELECT clear_" + marker + " FROM lookup";
        long instance;
        String collector;
        Instant now = Instant.now();
        String range = "&from=" + now.minus(1, ChronoUnit.HOURS) + "&to=" + now.plusSeconds(60);
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of("encryption.statement-texts", "true"));
             Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            collector = SealedIngest.register(api, admin);
            SealedIngest.ingest(api, collector, texts(42, secretA) + "," + texts(43, secretB));
            instance = Long.parseLong(SealedIngest.string(connection, "SELECT instance_id FROM ts.statement_text WHERE queryid = 42"));

            // raw: no text in the clear in the table, nor anywhere in the database's files
            assertNull(SealedIngest.string(connection, "SELECT query FROM ts.statement_text WHERE queryid = 42"), "no clear text");
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT query_sealed, t::text FROM ts.statement_text t")) {
                while (rows.next()) {
                    assertTrue(Envelope.isSealed(rows.getBytes(1)), "sealed");
                    assertFalse(rows.getString(2).contains(marker), "a row holds a statement text in the clear");
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT");
            }
            SealedIngest.assertNotInFiles(Path.of(SealedIngest.string(connection, "SHOW data_directory")), marker.getBytes(StandardCharsets.UTF_8), "a statement text");

            // the query API opens them
            SeriesData data = new SeriesData(server);
            statements(data, instance, now, 42, 43, 44);
            String viewer = api.loginNewViewer("texts-viewer");
            JsonNode top = SealedIngest.ok(api, viewer, "/instances/" + instance + "/queries/top?orderBy=total_time" + range);
            List<String> texts = new ArrayList<>();
            top.get("items").forEach(item -> texts.add(item.get("text").asText()));
            assertTrue(texts.contains(secretA) && texts.contains(secretB), texts.toString());
            assertEquals(secretA, SealedIngest.ok(api, viewer, "/instances/" + instance + "/queries/42?dbid=5" + range).get("text").asText());
        }
        // the option turned off: new texts are stored as they are, the sealed ones still open
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of());
             Connection connection = DriverManager.getConnection(url, "postgres", null)) {
            ApiClient api = new ApiClient(server);
            SealedIngest.ingest(api, collector, texts(44, clearC));
            assertEquals(clearC, SealedIngest.string(connection, "SELECT query FROM ts.statement_text WHERE queryid = 44"));
            String viewer = api.loginNewViewer("texts-viewer-2");
            assertEquals(secretA, SealedIngest.ok(api, viewer, "/instances/" + instance + "/queries/42?dbid=5" + range).get("text").asText());
            assertEquals(clearC, SealedIngest.ok(api, viewer, "/instances/" + instance + "/queries/44?dbid=5" + range).get("text").asText());

            // a sealed text moved to another row is refused, naming the row
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE ts.statement_text SET query_sealed = (SELECT query_sealed FROM ts.statement_text WHERE queryid = 42)"
                        + " WHERE queryid = 43");
            }
            ApiClient.Response moved = api.get("/instances/" + instance + "/queries/43?dbid=5" + range, viewer);
            assertEquals(500, moved.status(), moved.body());
            assertTrue(moved.body().contains("ts.statement_text.query_sealed of row " + instance + ":5:43"), moved.body());
            assertFalse(moved.body().contains(marker), "no text in the answer");
        }
    }

    private static String texts(long queryid, String query) {
        return BatchDecoderTest.snapshot("statement_texts", Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString(), "null",
                "[\"dbid\",\"queryid\",\"datname\",\"query\"]", "[[5," + queryid + ",\"app\",\"" + query + "\"]]");
    }

    private static void statements(SeriesData data, long instance, Instant now, long... queryids) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant at = now.minus(10, ChronoUnit.MINUTES);
        for (long queryid : queryids) {
            rows.add(row("instance_id", instance, "collected_at", at, "interval_seconds", 60.0, "dbid", 5L, "userid", 10L,
                    "queryid", queryid, "toplevel", true, "datname", "app", "username", "app", "calls", 10L,
                    "total_exec_time", 100.0 * queryid, "rows", 10L, "shared_blks_hit", 10L, "shared_blks_read", 1L));
        }
        data.insert(MetricCatalog.STATEMENTS, Resolution.RAW, rows);
    }






}
