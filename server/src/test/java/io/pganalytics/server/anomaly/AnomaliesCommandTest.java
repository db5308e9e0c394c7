package io.pganalytics.server.anomaly;

import com.hazelcast.topic.ITopic;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.cli.AdminSession;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pganalytics-server anomalies backfill|list} against a real node, trusting it through its runtime file. */
class AnomaliesCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static PgAnalyticsServer server;
    private static long instanceId;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(SharedPostgres.newDatabase("anomalies_cli"), TestServers.newClusterName(), Map.of());
        Sql.execute(server.database().dataSource(), """
                INSERT INTO monitored_instance (system_identifier, host, port, name, first_seen_at, last_seen_at)
                VALUES ('1', 'db1', 5432, 'orders-db', now(), now())""");
        instanceId = Long.parseLong(Sql.rows(server.database().dataSource(), "SELECT id FROM monitored_instance").getFirst().getFirst());
        Sql.execute(server.database().dataSource(), """
                INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, peak_at, score, expected, lower_bound,
                                     upper_bound, actual, hints, created_at, updated_at)
                VALUES (%d, 'lock_waiting_connections', 'spike', 'critical', 'open', now() - interval '5 minutes', now(), 12.5, 0, 0, 2, 40,
                        '[{"rank":1,"type":"lock","subject":"pid 4242 (billing) holds a row lock","detail":"blocks 38","ref":"lock:4242","weight":0.9}]',
                        now(), now())""".formatted(instanceId));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Run anomalies(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of(args), Stream.of("--data-dir", server.dataDir().toString())).toArray(String[]::new);
        int exit = new AnomaliesCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                prompt -> Optional.empty(), environment, Clock.fixed(NOW, ZoneOffset.UTC)).run(List.of(all));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run anomalies(String... args) {
        return anomalies(Map.of(AdminSession.PASSWORD_ENV, TestServers.ADMIN_PASSWORD), args);
    }

    @Test
    void backfillAsksTheOwnersForTheHistoryItNames() {
        List<String> published = new CopyOnWriteArrayList<>();
        ITopic<String> topic = server.cluster().hazelcast().getTopic(AnomalyScorer.BACKFILL_TOPIC);
        topic.addMessageListener(m -> published.add(m.getMessageObject()));

        Run run = anomalies("backfill", "--instance", Long.toString(instanceId), "--from", "2d", "--to", "2026-12-07T00:00:00Z");
        assertEquals(AdminSession.OK, run.exit(), run.err());
        assertTrue(run.out().contains("instance " + instanceId) && run.out().contains("2026-12-05T12:00:00Z"), run.out());
        Eventually.await(Duration.ofSeconds(10), "the request reaches the nodes", () -> published.size() == 1);
        assertEquals(instanceId + "|" + Instant.parse("2026-12-05T12:00:00Z").getEpochSecond() + "|"
                + Instant.parse("2026-12-07T00:00:00Z").getEpochSecond(), published.getFirst());

        Run unknown = anomalies("backfill", "--instance", "999999", "--from", "1d");
        assertEquals(AdminSession.FAILED, unknown.exit(), unknown.out());
        assertTrue(unknown.err().contains("404"), unknown.err());
        Run wrongPassword = anomalies(Map.of(AdminSession.PASSWORD_ENV, "not-the-password"), "backfill", "--all", "--from", "1d");
        assertEquals(AdminSession.DENIED, wrongPassword.exit(), wrongPassword.err());
        assertEquals(1, published.size(), "refused requests publish nothing: " + published);
    }

    @Test
    void listPrintsTheNewestAnomaliesWithTheirFirstHint() {
        Run run = anomalies("list", "--severity", "critical");
        assertEquals(AdminSession.OK, run.exit(), run.err());
        assertTrue(run.out().contains("orders-db") && run.out().contains("lock_waiting_connections") && run.out().contains("lock: pid 4242"),
                run.out());
        Run none = anomalies("list", "--state", "closed");
        assertEquals(AdminSession.OK, none.exit(), none.err());
        assertTrue(none.out().contains("(no anomalies)"), none.out());
    }

    @Test
    void wrongCommandLinesAreUsageErrorsBeforeAnythingIsAsked() {
        assertEquals(AdminSession.USAGE, anomalies("backfill", "--from", "1d").exit(), "neither --instance nor --all");
        assertEquals(AdminSession.USAGE, anomalies("backfill", "--all").exit(), "no --from");
        assertEquals(AdminSession.USAGE, anomalies("backfill", "--all", "--from", "yesterday").exit());
        assertEquals(AdminSession.USAGE, anomalies("list", "--from", "1d").exit(), "--from is backfill's");
        assertEquals(AdminSession.USAGE, anomalies("list", "--limit", "501").exit());
        assertEquals(AdminSession.USAGE, anomalies("purge").exit());
        assertThrows(IllegalArgumentException.class, () -> AnomaliesCommand.parse(List.of("backfill", "--instance", "0", "--from", "1d"), NOW));
        assertEquals(NOW.minus(Duration.ofDays(7)), AnomaliesCommand.parse(List.of("backfill", "--all", "--from", "7d"), NOW).from());
    }
}
