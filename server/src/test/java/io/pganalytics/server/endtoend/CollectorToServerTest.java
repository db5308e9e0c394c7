package io.pganalytics.server.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spine, end to end: a collector registered through the API monitors a PostgreSQL under a TPC-B-like workload
 * and ships to the server; what the server stored adds up to what the workload did.
 */
class CollectorToServerTest {

    @Test
    void aRealCollectorShipsARealWorkloadAndTheStoredTransactionsMatchTheCommittedOnes(@TempDir Path dir) throws Exception {
        try (PgAnalyticsServer server = TestServers.start("endtoend"); MonitoredPostgres monitored = new MonitoredPostgres()) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            ApiClient.Response created = api.post("/collectors/registration-tokens", admin, "{\"note\":\"end-to-end test\"}");
            assertEquals(201, created.status(), created.body());
            String token = created.json().get("token").asText();
            Path ca = dir.resolve("server-ca.pem");
            Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(server.tls().orElseThrow().leaf().getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            Map<String, String> env = Map.of("HOME", dir.toString(), "PGA_E2E_PASSWORD", MonitoredPostgres.PASSWORD);
            String serverUrl = "https://127.0.0.1:" + server.port();
            int registered = CollectorProcess.run(dir, dir.resolve("register.log"), env, Duration.ofSeconds(60),
                    "register", "--server", serverUrl, "--token", token, "--name", "e2e-collector",
                    "--identity-file", dir.resolve("identity.json").toString(), "--ca-file", ca.toString());
            assertEquals(0, registered, Files.readString(dir.resolve("register.log")));

            Path config = Files.writeString(dir.resolve("collector.yaml"), """
                    server:
                      url: %s
                      ca-file: %s
                    identity-file: %s
                    spool:
                      dir: %s
                    threads: 2
                    health-interval: 5s
                    batching:
                      max-delay: 200ms
                    intervals:
                      database: 2s
                      statements: 2s
                      activity: 2s
                      instance: 5s
                      tables: 1h
                      indexes: 1h
                      vacuum: 1h
                    targets:
                      - name: e2e
                        url: postgresql://%s@127.0.0.1:%d/postgres
                        password-env: PGA_E2E_PASSWORD
                    """.formatted(serverUrl, ca, dir.resolve("identity.json"), dir.resolve("spool"),
                    MonitoredPostgres.ROLE, monitored.port()));
            Process collector = CollectorProcess.start(dir, dir.resolve("collector.log"), env, "run", "--config", config.toString());
            try {
                // The first sample is the baseline; once a delta row arrives, every later commit will be counted.
                awaitAtLeast(() -> count(server, "SELECT count(*) FROM ts.database WHERE datname = 'bench'"), 1,
                        Duration.ofSeconds(60), dir);
                java.time.Instant workloadStart = java.time.Instant.now();
                long committed = monitored.runWorkload(4, 8_000);
                assertTrue(committed > 1_000, "the workload committed " + committed + " transactions");

                long stored = awaitSettled(() -> count(server, "SELECT coalesce(sum(xact_commit), 0) FROM ts.database WHERE datname = 'bench'"),
                        Duration.ofSeconds(60));
                // Only the collector's own few statements on 'bench' (per-database views at start) are extra.
                double error = Math.abs(stored - committed) / (double) committed;
                assertTrue(error < 0.02, "stored commits " + stored + " vs committed " + committed + " (" + Math.round(error * 1000) / 10.0 + " %)");

                long calls = awaitSettled(() -> count(server, """
                        SELECT coalesce(sum(s.calls), 0) FROM ts.statements s
                        JOIN ts.statement_text t ON t.instance_id = s.instance_id AND t.dbid = s.dbid AND t.queryid = s.queryid
                        WHERE t.query LIKE 'UPDATE bench_accounts SET abalance%'"""), Duration.ofSeconds(30));
                assertTrue(Math.abs(calls - committed) <= committed * 0.02 + 10,
                        "the workload's UPDATE was called " + committed + " times; statements say " + calls);
                double meanMillis = number(server, """
                        SELECT sum(s.total_exec_time) / nullif(sum(s.calls), 0) FROM ts.statements s
                        JOIN ts.statement_text t ON t.instance_id = s.instance_id AND t.dbid = s.dbid AND t.queryid = s.queryid
                        WHERE t.query LIKE 'UPDATE bench_accounts SET abalance%'""");
                assertTrue(meanMillis > 0 && meanMillis < 100, "plausible mean time: " + meanMillis + " ms");

                // The same through the public query API, as the console reads it.
                JsonNode fleet = api.get("/instances?search=e2e", admin).json();
                assertEquals("up", fleet.get("items").get(0).get("status").asText(), fleet.toString());
                long instanceId = fleet.get("items").get(0).get("id").asLong();
                String window = "from=" + workloadStart.minusSeconds(120) + "&to=" + java.time.Instant.now().plusSeconds(60);
                JsonNode series = api.get("/instances/" + instanceId + "/series?metric=transactions&step=60s&" + window, admin).json();
                double transactions = 0;
                for (JsonNode point : series.get("points")) {
                    transactions += point.get(1).asDouble();
                }
                double apiError = Math.abs(transactions - committed) / committed;
                assertTrue(apiError < 0.02, "the transactions series sums to " + transactions + " vs " + committed + " committed; " + series);
                JsonNode tps = api.get("/instances/" + instanceId + "/series?metric=tps&" + window, admin).json();
                assertTrue(tps.get("points").size() > 0, tps.toString());
                JsonNode top = api.get("/instances/" + instanceId + "/queries/top?orderBy=calls&limit=10&" + window, admin).json();
                JsonNode update = null;
                for (JsonNode item : top.get("items")) {
                    if (item.get("text").asText().startsWith("UPDATE bench_accounts SET abalance")) {
                        update = item;
                    }
                }
                assertTrue(update != null, "the workload's UPDATE is among the top queries: " + top);
                assertTrue(Math.abs(update.get("calls").asLong() - committed) <= committed * 0.02 + 10, update.toString());
                assertTrue(update.get("meanTimeMs").asDouble() > 0 && update.get("meanTimeMs").asDouble() < 100, update.toString());

                JsonNode collectors = api.get("/collectors", admin).json().get("items");
                assertEquals("e2e-collector", collectors.get(0).get("name").asText());
                assertTrue(collectors.get(0).get("heartbeat").hasNonNull("lastSeenAt"), collectors.toString());
                awaitAtLeast(() -> count(server, "SELECT count(*) FROM monitored_instance WHERE name = 'e2e' AND server_version IS NOT NULL"),
                        1, Duration.ofSeconds(30), dir);
            } finally {
                CollectorProcess.stop(collector);
            }
            String log = Files.readString(dir.resolve("collector.log"));
            assertTrue(!log.contains(token) && !log.contains(MonitoredPostgres.PASSWORD), "no secret in the collector's log");
        }
    }

    private static long count(PgAnalyticsServer server, String sql) {
        return (long) number(server, sql);
    }

    private static double number(PgAnalyticsServer server, String sql) {
        try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            double value = rs.getDouble(1);
            c.rollback();
            return value;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitAtLeast(LongSupplier value, long expected, Duration timeout, Path dir) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (value.getAsLong() >= expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no data arrived within " + timeout + "; collector log:\n" + Files.readString(dir.resolve("collector.log")));
    }

    /** Polls until the value has not moved for three polls in a row (the collector's later deltas have arrived). */
    private static long awaitSettled(LongSupplier value, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline) {
            long now = value.getAsLong();
            stable = now == last && now > 0 ? stable + 1 : 0;
            if (stable >= 3) {
                return now;
            }
            last = now;
            Thread.sleep(2_000);
        }
        return last;
    }
}
