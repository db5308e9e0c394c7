package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a server while it records: every acknowledged data change's record is there after the restart, the
 * chain verifies, and the queued (API-call) records lost are only those submitted within the documented window
 * before the kill: {@code audit.flush-interval} (200 ms) plus the time of one batch write. The test allows one second
 * of write time on this shared machine (docs/audit/integrity.md, "Crash guarantee").
 */
@Tag("fault-and-attack")
class AuditKillTest {
    private static final long WINDOW_MILLIS = 200 + 1_000;

    @Test
    void afterAKillEveryAcknowledgedChangeIsRecordedTheChainVerifiesAndOnlyTheLastFlushWindowOfQueuedRecordsIsLost() throws Exception {
        String database = SharedPostgres.newDatabase("audit_kill");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("java.") || a.startsWith("jdk.") || a.startsWith("ALL-"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), AuditCrashWriter.class.getName(), database));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process was killed: its output ends here
            }
        });
        long killAt;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (lines.stream().filter(l -> l.startsWith("c ")).count() < 100) {
                assertTrue(child.isAlive(), "the writer died before it wrote: " + lines);
                assertTrue(System.nanoTime() < deadline, "the writer did not acknowledge 100 changes within 120 s");
                Thread.sleep(50);  // polling the child's output, bounded by the deadline
            }
        } finally {
            killAt = System.currentTimeMillis();
            child.destroyForcibly();  // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(10));
        }

        Set<Long> acknowledged = new HashSet<>();
        Map<Long, Long> submittedAt = new java.util.HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts[0].equals("c")) {
                acknowledged.add(Long.parseLong(parts[1]));
            } else if (parts[0].equals("q") && parts.length == 3) {
                submittedAt.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        }
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), Map.of())) {
            var db = server.database().dataSource();
            Set<Long> changes = new HashSet<>();
            for (List<String> row : Sql.rows(db, "SELECT resource_id FROM audit.record WHERE action = 'test.crash-change'")) {
                changes.add(Long.parseLong(row.get(0)));
            }
            Set<Long> missing = new HashSet<>(acknowledged);
            missing.removeAll(changes);
            assertTrue(missing.isEmpty(), "every acknowledged change is recorded; missing: " + missing);

            Set<Long> queued = new HashSet<>();
            for (List<String> row : Sql.rows(db, "SELECT (details::json->>'n') FROM audit.record WHERE action = 'GET /api/v1/crash-test'")) {
                queued.add(Long.parseLong(row.get(0)));
            }
            long lostOutsideWindow = submittedAt.entrySet().stream()
                    .filter(e -> !queued.contains(e.getKey()) && e.getValue() < killAt - WINDOW_MILLIS).count();
            long lost = submittedAt.keySet().stream().filter(n -> !queued.contains(n)).count();
            System.out.printf("audit kill -9: %d changes acknowledged, all recorded; %d queued records submitted, %d lost (all within %d ms of the kill)%n",
                    acknowledged.size(), submittedAt.size(), lost, WINDOW_MILLIS);
            assertEquals(0, lostOutsideWindow, "queued records lost are only those of the last flush window");

            AuditVerification result = server.audit().integrity().verify(null, null);
            assertTrue(result.intact(), result.message());
        }
    }
}
