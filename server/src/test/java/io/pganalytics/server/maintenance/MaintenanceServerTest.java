package io.pganalytics.server.maintenance;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A started server node runs maintenance: partitions appear ahead and the figures reach the admin socket. */
class MaintenanceServerTest {

    @Test
    void aStartedServerCreatesTomorrowsPartitionsAndReportsItOnTheAdminSocket() throws Exception {
        String url = SharedPostgres.newDatabase("maintenance_server");
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), Map.of())) {
            String tomorrow = "ts.database_p" + DateTimeFormatter.BASIC_ISO_DATE.format(LocalDate.now(ZoneOffset.UTC).plusDays(1));
            Eventually.await(Duration.ofSeconds(60), "the retention job created " + tomorrow, () -> exists(url, tomorrow));
            HttpClient http = HttpClient.newHttpClient();
            Eventually.await(Duration.ofSeconds(30), "the run is on /metrics", () -> metrics(http, server)
                    .contains("pganalytics_maintenance_job_seconds_count{job=\"retention\"} 1"));
            assertTrue(metrics(http, server).contains("pganalytics_maintenance_partitions_created_total{resolution=\"raw\"}"));
        }
    }

    private static String metrics(HttpClient http, PgAnalyticsServer server) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean exists(String url, String table) {
        try (Connection c = DriverManager.getConnection(url, "postgres", null); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
