package io.pganalytics.server.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anomaly detection, collector to console: a real collector watches a real PostgreSQL under a steady load and ships
 * to a real server whose detectors learn for a short while; then a lock storm is planted (one transaction holds a row
 * lock, sessions queue behind it). The anomaly reaches GET /api/v1/anomalies and the instance's live stream (SSE event
 * {@code anomaly}) with a root-cause hint that names the lock: its root pid or the locked table's statement.
 */
class AnomalyEndToEndTest {
    private static final int LEARNING_POINTS = 20;
    private static final int WAITERS = 8;
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void aPlantedLockStormReachesTheApiAndTheLiveStreamWithAHintNamingTheLock(@TempDir Path dir) throws Exception {
        Map<String, String> settings = Map.of("anomaly.score-interval", "500ms",
                "anomaly.detector.learningPoints", Integer.toString(LEARNING_POINTS));
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("anomaly_e2e"), TestServers.newClusterName(), settings);
             MonitoredPostgres monitored = new MonitoredPostgres()) {
            execute(monitored, "CREATE TABLE storm_items (item_id int PRIMARY KEY, quantity int NOT NULL)",
                    "INSERT INTO storm_items SELECT i, 1000 FROM generate_series(1, 10) i");
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            Process collector = startCollector(server, api, admin, monitored, dir);
            CountDownLatch stop = new CountDownLatch(1);
            Thread load = steadyLoad(monitored, stop);
            try {
                long instance = awaitInstance(api, admin, dir);
                // the detectors learn LEARNING_POINTS points of each series (1 s apart), then score
                awaitLearned(api, admin, instance, Duration.ofSeconds(LEARNING_POINTS + 15));
                BlockingQueue<String> live = connect(api, "/instances/" + instance + "/live", admin);
                Instant planted = Instant.now();
                try (LockStorm storm = new LockStorm(monitored)) {
                    List<String> culprits = List.of("lock:" + storm.holderPid, Integer.toString(storm.holderPid), "storm_items");
                    JsonNode anomaly = awaitAnomaly(api, admin, instance, planted, culprits, dir);
                    assertTrue(namesCulprit(anomaly, culprits), anomaly.toString());

                    JsonNode event = awaitLiveAnomaly(live, instance, culprits);
                    assertEquals(instance, event.get("instanceId").asLong(), event.toString());
                    assertTrue(namesCulprit(event, culprits), "the live event names the lock: " + event);
                }
            } finally {
                stop.countDown();
                load.join(10_000);
                CollectorProcess.stop(collector);
            }
        }
    }

    /** A transaction holding a row lock of storm_items and {@link #WAITERS} sessions queued to update the row. */
    private static final class LockStorm implements AutoCloseable {
        private final Connection holder;
        private final int holderPid;
        private final List<Thread> waiters = new ArrayList<>();

        LockStorm(MonitoredPostgres monitored) throws SQLException, InterruptedException {
            holder = monitored.bench().getConnection();
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    holderPid = rs.getInt(1);
                }
                st.executeQuery("SELECT quantity FROM storm_items WHERE item_id = 1 FOR UPDATE").close();
            }
            for (int i = 0; i < WAITERS; i++) {
                waiters.add(Thread.ofPlatform().daemon().name("storm-waiter-" + i).start(() -> {
                    try (Connection c = monitored.bench().getConnection(); Statement st = c.createStatement()) {
                        st.executeUpdate("UPDATE storm_items SET quantity = quantity - 1 WHERE item_id = 1");
                    } catch (SQLException e) {
                        // the holder's PostgreSQL went away: nothing to undo
                    }
                }));
            }
            // the storm is real in PostgreSQL's own statistics before the product is asked about it
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long waiting = 0;
            while (waiting < WAITERS && System.nanoTime() < deadline) {
                try (Connection c = monitored.bench().getConnection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
                    rs.next();
                    waiting = rs.getLong(1);
                }
                Thread.sleep(100);
            }
            assertEquals(WAITERS, waiting, "sessions waiting on a Lock in pg_stat_activity");
        }

        @Override
        public void close() throws SQLException, InterruptedException {
            try {
                holder.commit();
            } finally {
                holder.close();
            }
            for (Thread waiter : waiters) {
                waiter.join(10_000);
            }
        }
    }

    private static Process startCollector(PgAnalyticsServer server, ApiClient api, String admin, MonitoredPostgres monitored,
                                          Path dir) throws Exception {
        ApiClient.Response created = api.post("/collectors/registration-tokens", admin, "{\"note\":\"anomaly end-to-end\"}");
        assertEquals(201, created.status(), created.body());
        Path ca = dir.resolve("server-ca.pem");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(server.tls().orElseThrow().leaf().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Map<String, String> env = Map.of("HOME", dir.toString(), "PGA_E2E_PASSWORD", MonitoredPostgres.PASSWORD);
        String serverUrl = "https://127.0.0.1:" + server.port();
        int registered = CollectorProcess.run(dir, dir.resolve("register.log"), env, Duration.ofSeconds(60),
                "register", "--server", serverUrl, "--token", created.json().get("token").asText(), "--name", "anomaly-e2e-collector",
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
                batching:
                  max-delay: 200ms
                intervals:
                  database: 1s
                  activity: 1s
                  wait_events: 1s
                  locks: 1s
                  statements: 1s
                  statement_texts: 1s
                  instance: 5s
                  tables: 1h
                  indexes: 1h
                  vacuum: 1h
                targets:
                  - name: anomaly-e2e
                    url: postgresql://%s@127.0.0.1:%d/postgres
                    password-env: PGA_E2E_PASSWORD
                """.formatted(serverUrl, ca, dir.resolve("identity.json"), dir.resolve("spool"), MonitoredPostgres.ROLE,
                monitored.port()));
        return CollectorProcess.start(dir, dir.resolve("collector.log"), env, "run", "--config", config.toString());
    }

    /** 20 small transactions a second on one session, paced: a steady baseline with no lock waits of its own. */
    private static Thread steadyLoad(MonitoredPostgres monitored, CountDownLatch stop) {
        return Thread.ofPlatform().daemon().name("steady-load").start(() -> {
            try (Connection c = monitored.bench().getConnection();
                 PreparedStatement update = c.prepareStatement("UPDATE bench_accounts SET abalance = abalance + 1 WHERE aid = ?")) {
                do {
                    update.setInt(1, 1 + ThreadLocalRandom.current().nextInt(MonitoredPostgres.ACCOUNTS));
                    update.executeUpdate();
                } while (!stop.await(50, TimeUnit.MILLISECONDS));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static long awaitInstance(ApiClient api, String token, Path dir) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode items = api.get("/instances?search=anomaly-e2e", token).json().path("items");
            if (items.size() > 0) {
                return items.get(0).get("id").asLong();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the instance never appeared; collector log:\n" + Files.readString(dir.resolve("collector.log")));
    }

    /**
     * Waits until the learning points have arrived and /anomaly-settings no longer says the instance learns (a series
     * without data, such as replication lag on a primary without a standby, may learn for ever: then on after
     * {@code atLeast}, the learning state shown in any later failure).
     */
    private static void awaitLearned(ApiClient api, String token, long instance, Duration atLeast) throws Exception {
        long earliest = System.nanoTime() + atLeast.toNanos();
        long deadline = earliest + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            ApiClient.Response settings = api.get("/instances/" + instance + "/anomaly-settings", token);
            assertEquals(200, settings.status(), settings.body());
            if (System.nanoTime() > earliest && (!settings.json().get("learning").asBoolean()
                    || settings.json().get("seriesTotal").asInt() - settings.json().get("seriesLearning").asInt() >= 5)) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /** The first anomaly of the instance that began after the plant and names a culprit in a hint. */
    private static JsonNode awaitAnomaly(ApiClient api, String token, long instance, Instant planted, List<String> culprits,
                                         Path dir) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            ApiClient.Response page = api.get("/anomalies?instance=" + instance + "&limit=100", token);
            assertEquals(200, page.status(), page.body());
            last = page.json();
            for (JsonNode anomaly : last.get("anomalies")) {
                // points are stamped when sampled: one sampled in the second before the plant may already see it
                if (!Instant.parse(anomaly.get("startedAt").asText()).isBefore(planted.minusSeconds(1))
                        && namesCulprit(anomaly, culprits)) {
                    return anomaly;
                }
            }
            Thread.sleep(500);
        }
        ApiClient.Response settings = api.get("/instances/" + instance + "/anomaly-settings", token);
        throw new AssertionError("no anomaly naming " + culprits + " within " + DEADLINE + "; anomalies: " + last
                + "\nsettings: " + settings.body() + "\ncollector log tail:\n" + tail(dir.resolve("collector.log")));
    }

    private static boolean namesCulprit(JsonNode anomaly, List<String> culprits) {
        for (JsonNode hint : anomaly.path("hints")) {
            for (String field : List.of("subject", "detail", "ref")) {
                String text = hint.path(field).asText("").toLowerCase(Locale.ROOT);
                for (String culprit : culprits) {
                    if (culprit.startsWith("lock:") ? text.equals(culprit) : containsWord(text, culprit.toLowerCase(Locale.ROOT))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code word} in {@code text} not as part of a longer number or name (pid 12 is not in 4123). */
    private static boolean containsWord(String text, String word) {
        int at = text.indexOf(word);
        while (at >= 0) {
            boolean before = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
            int after = at + word.length();
            if (before && (after == text.length() || !Character.isLetterOrDigit(text.charAt(after)))) {
                return true;
            }
            at = text.indexOf(word, at + 1);
        }
        return false;
    }

    /** A live stream's lines, read on a thread of their own so that the test can wait with deadlines. */
    private static BlockingQueue<String> connect(ApiClient api, String path, String token) {
        HttpRequest request = api.request(path, token).timeout(Duration.ofMinutes(10))
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = api.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode(), path);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("closed: " + e);
            }
        });
        return lines;
    }

    /** The first {@code anomaly} event of the stream for the instance whose hints name a culprit. */
    private static JsonNode awaitLiveAnomaly(BlockingQueue<String> lines, long instance, List<String> culprits)
            throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Map<String, String> fields = new HashMap<>();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.isEmpty()) {
                if ("anomaly".equals(fields.get("event"))) {
                    JsonNode data = JsonMapping.newMapper().readTree(fields.get("data"));
                    seen.add(data.path("series").asText());
                    if (data.path("instanceId").asLong() == instance && namesCulprit(data, culprits)) {
                        return data;
                    }
                }
                fields.clear();
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.merge(line.substring(0, colon), line.substring(colon + 1).stripLeading(), (a, b) -> a + "\n" + b);
                }
            }
        }
        throw new AssertionError("no live 'anomaly' event naming " + culprits + " within " + DEADLINE
                + "; anomaly events seen for series " + seen);
    }

    private static void execute(MonitoredPostgres monitored, String... statements) throws SQLException {
        try (Connection c = monitored.bench().getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static String tail(Path log) throws java.io.IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
