package io.pganalytics.server.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /admin/settings/retention} over real HTTP on real nodes: retention read with its sources, changed at runtime,
 * checked by the configuration's rules, confirmed when it deletes data, audited in the change's own transaction, and
 * applied by the retention job of whichever node runs it.
 */
class RetentionSettingsHttpTest {
    private static final String PATH = "/admin/settings/retention";

    @Test
    void getShowsTheConfigurationValuesAndWhereEachComesFromToAdminsOnly() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("retention_get"), TestServers.newClusterName(),
                Map.of("maintenance.retention.raw", "20d", "maintenance.retention.families.statements.raw", "30d"))) {
            ApiClient api = new ApiClient(server);
            ApiClient.Response response = api.get(PATH, api.loginAdmin());
            assertEquals(200, response.status(), response.body());
            JsonNode body = response.json();
            assertValue(body.at("/defaults/raw"), "20d", "configuration");
            assertEquals(20L * 86_400, body.at("/defaults/raw/seconds").asLong());
            assertValue(body.at("/defaults/minute"), "90d", "configuration");
            assertValue(body.at("/defaults/hour"), "730d", "configuration");
            assertValue(body.at("/families/statements/raw"), "30d", "configuration");
            assertValue(body.at("/families/database/raw"), "20d", "defaults");
            assertValue(body.at("/families/database/hour"), "730d", "defaults");
            assertTrue(body.at("/defaults/raw/changedBy").isMissingNode() || body.at("/defaults/raw/changedBy").isNull());
            assertFalse(body.at("/families").has("statement_texts"), "query texts have no retention of their own");

            assertEquals(403, api.get(PATH, api.loginNewViewer("retention-viewer")).status());
            assertEquals(401, api.get(PATH, null).status());
        }
    }

    @Test
    void lengtheningApplesAtOnceWithoutConfirmationAndIsAuditedWithBeforeAndAfterInTheSameTransaction() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("retention_lengthen"), TestServers.newClusterName(), Map.of())) {
            ApiClient api = new ApiClient(server).withoutConfirming();
            String admin = api.loginAdmin();
            DataSource db = server.database().dataSource();
            ApiClient.Response response = api.put(PATH, admin, "{\"defaults\":{\"hour\":\"1000d\"},\"families\":{\"statements\":{\"raw\":\"P21D\"}}}");
            assertEquals(200, response.status(), response.body());
            assertValue(response.json().at("/defaults/hour"), "1000d", "api");
            assertEquals("admin", response.json().at("/defaults/hour/changedBy").asText());
            assertNotNull(Instant.parse(response.json().at("/defaults/hour/changedAt").asText()));
            assertValue(response.json().at("/families/statements/raw"), "21d", "api");
            assertValue(response.json().at("/families/statements/hour"), "1000d", "defaults");
            assertValue(api.get(PATH, admin).json().at("/defaults/hour"), "1000d", "api");

            List<List<String>> records = Sql.rows(db, "SELECT category, outcome, actor_kind, resource_type, resource_id, details, "
                    + "(SELECT xmin::text FROM runtime_setting WHERE name = 'maintenance.retention.hour'), xmin::text "
                    + "FROM audit.record WHERE action = 'settings.retention.update'");
            assertEquals(1, records.size(), records.toString());
            List<String> record = records.get(0);
            assertEquals(List.of("change", "success", "user", "settings", "retention"), record.subList(0, 5));
            String details = record.get(5);
            assertTrue(details.contains("\"before\":{\"defaults.hour\":\"730d\",\"families.statements.raw\":\"14d\"}"), details);
            assertTrue(details.contains("\"after\":{\"defaults.hour\":\"1000d\",\"families.statements.raw\":\"21d\"}"), details);
            assertEquals(record.get(6), record.get(7), "the setting and its audit record were written by one transaction");

            response = api.put(PATH, admin, "{\"defaults\":{\"hour\":\"configuration\"}}");
            assertEquals(428, response.status(), "back to 730d from 1000d shortens: " + response.body());
            response = confirmed(api, admin, "{\"defaults\":{\"hour\":\"configuration\"}}", response);
            assertEquals(200, response.status(), response.body());
            assertValue(response.json().at("/defaults/hour"), "730d", "configuration");
            assertEquals(List.of(List.of("0")), Sql.rows(db, "SELECT count(*) FROM runtime_setting WHERE name = 'maintenance.retention.hour'"));
        }
    }

    @Test
    void badValuesAreRefusedWith400NamingTheFieldAndChangeNothing() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("retention_bad"), TestServers.newClusterName(), Map.of())) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            Map<String, String> bad = Map.of(
                    "{\"defaults\":{\"raw\":\"2h\"}}", "defaults.raw",
                    "{\"defaults\":{\"raw\":\"3d\"}}", "defaults.raw",
                    "{\"defaults\":{\"minute\":\"soon\"}}", "defaults.minute",
                    "{\"defaults\":{\"hour\":\"3d\"}}", "defaults.hour",
                    "{\"defaults\":{\"hour\":\"40000d\"}}", "defaults.hour",
                    "{\"families\":{\"statements\":{\"raw\":\"1d\"}}}", "families.statements.raw",
                    "{\"families\":{\"no_such_family\":{\"raw\":\"30d\"}}}", "families.no_such_family",
                    "{\"families\":{\"statement_texts\":{\"raw\":\"30d\"}}}", "families.statement_texts",
                    "{\"defaults\":{\"raw\":\"\"}}", "defaults.raw",
                    "{}", "defaults");
            for (Map.Entry<String, String> request : bad.entrySet()) {
                ApiClient.Response response = api.put(PATH, admin, request.getKey());
                assertEquals(400, response.status(), request.getKey() + " -> " + response.body());
                assertEquals("validation_failed", response.json().get("errorType").asText(), response.body());
                assertEquals(request.getValue(), response.json().at("/details/0/field").asText(), request.getKey() + " -> " + response.body());
            }
            ApiClient.Response raw = api.put(PATH, admin, "{\"defaults\":{\"raw\":\"3d\"}}");
            assertTrue(raw.json().at("/details/0/problem").asText().contains("ingest.max-age"), raw.body());
            assertEquals(400, api.put(PATH, admin, "{\"defaults\":{\"raw\":[1]}}").status());

            DataSource db = server.database().dataSource();
            assertEquals(List.of(List.of("0")), Sql.rows(db, "SELECT count(*) FROM runtime_setting"));
            assertEquals(List.of(List.of("0")), Sql.rows(db, "SELECT count(*) FROM audit.record WHERE action = 'settings.retention.update'"));
            assertValue(api.get(PATH, admin).json().at("/defaults/raw"), "14d", "configuration");
        }
    }

    @Test
    void shorteningIsConfirmedFirstThenTheNextRetentionRunDropsAccordinglyOnAnyNode() throws Exception {
        String url = SharedPostgres.newDatabase("retention_shorten");
        Map<String, String> often = Map.of("maintenance.retention-interval", "1s");
        TestServers.TwoNodes nodes = TestServers.startTwo(url, often, often);
        try (PgAnalyticsServer a = nodes.a(); PgAnalyticsServer b = nodes.b()) {
            ApiClient apiA = new ApiClient(a).withoutConfirming();
            ApiClient apiB = new ApiClient(b).withoutConfirming();
            String admin = apiA.loginAdmin();
            DataSource db = a.database().dataSource();
            String tenDaysAgo = rawPartition(db, 10);
            String threeDaysAgo = rawPartition(db, 3);
            String body = "{\"defaults\":{\"raw\":\"7d\"}}";

            ApiClient.Response asked = apiA.put(PATH, admin, body);
            assertEquals(428, asked.status(), asked.body());
            JsonNode confirmation = asked.json().get("confirmation");
            assertEquals("confirmation_required", asked.json().get("errorType").asText());
            assertEquals("settings.retention.update", confirmation.get("action").asText());
            assertEquals("Raw samples older than 7 days (now 14 days) of every family will be deleted at the next retention run.",
                    confirmation.get("summary").asText());
            long runs = retentionRuns(a) + retentionRuns(b);
            Eventually.await(Duration.ofSeconds(60), "two more retention runs", () -> retentionRuns(a) + retentionRuns(b) >= runs + 2);
            assertTrue(exists(db, tenDaysAgo), "unconfirmed: nothing changed and nothing was dropped");
            assertEquals(List.of(List.of("0")), Sql.rows(db, "SELECT count(*) FROM runtime_setting"));
            assertValue(apiB.get(PATH, admin).json().at("/defaults/raw"), "14d", "configuration");

            // the confirming request may reach any node
            ApiClient.Response done = apiB.send(apiB.request(PATH, admin).header("Content-Type", "application/json")
                    .header("X-Confirmation", confirmation.get("token").asText()).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
            assertEquals(200, done.status(), done.body());
            assertValue(apiA.get(PATH, admin).json().at("/defaults/raw"), "7d", "api");
            Eventually.await(Duration.ofSeconds(60), tenDaysAgo + " dropped by the next retention run", () -> !exists(db, tenDaysAgo));
            assertTrue(exists(db, threeDaysAgo), "inside the new retention: it stays");
            assertEquals(List.of(List.of("1")), Sql.rows(db, "SELECT count(*) FROM " + Resolution.RAW.table(MetricCatalog.DATABASE)
                    + " WHERE collected_at < now() - interval '2 days'"));

            List<List<String>> records = Sql.rows(db, "SELECT details FROM audit.record WHERE action = 'settings.retention.update'");
            assertEquals(1, records.size());
            assertTrue(records.get(0).get(0).contains("\"before\":{\"defaults.raw\":\"14d\"}"), records.toString());
            assertTrue(records.get(0).get(0).contains("\"after\":{\"defaults.raw\":\"7d\"}"), records.toString());
            assertTrue(records.get(0).get(0).contains("Raw samples older than 7 days"), records.toString());
        }
    }

    private static ApiClient.Response confirmed(ApiClient api, String token, String body, ApiClient.Response asked) {
        String confirmation = asked.json().at("/confirmation/token").asText();
        return api.send(api.request(PATH, token).header("Content-Type", "application/json").header("X-Confirmation", confirmation)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static void assertValue(JsonNode value, String expected, String source) {
        assertEquals(expected, value.path("value").asText(), value.toString());
        assertEquals(source, value.path("source").asText(), value.toString());
    }

    /** A raw partition of the database family holding one row {@code daysAgo} days old, created as the ingest creates it. */
    private static String rawPartition(DataSource db, int daysAgo) throws SQLException {
        Instant at = Instant.now().minus(Duration.ofDays(daysAgo));
        try (Connection c = db.getConnection()) {
            new Partitions().ensure(c, MetricCatalog.DATABASE, Resolution.RAW, at);
        }
        Sql.execute(db, "INSERT INTO " + Resolution.RAW.table(MetricCatalog.DATABASE) + " (instance_id, collected_at) VALUES (1, '" + at + "')");
        return "ts.database_p" + DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    private static boolean exists(DataSource db, String table) {
        try {
            return "t".equals(Sql.rows(db, "SELECT to_regclass('" + table + "') IS NOT NULL").get(0).get(0));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long retentionRuns(PgAnalyticsServer server) {
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("pganalytics_maintenance_job_seconds_count\\{job=\"retention\"} (\\d+)").matcher(metrics);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
