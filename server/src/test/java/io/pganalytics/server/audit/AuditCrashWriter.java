package io.pganalytics.server.audit;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.TestServers;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The process {@link AuditKillTest} kills: a server on the given database that records, as fast as it can, data
 * changes in their own transactions (printing {@code c <k>} once each is committed: acknowledged) and queued API-call
 * records (printing {@code q <n> <epoch millis>} once each is submitted).
 */
public final class AuditCrashWriter {
    private AuditCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PgAnalyticsServer server = TestServers.start(args[0], TestServers.newClusterName(), Map.of());
        AuditLog log = server.audit().log();
        out.println("ready");
        for (long n = 1; ; n++) {
            log.submit(AuditEvent.api("GET /api/v1/crash-test").detail("n", n).status(200, null));
            out.println("q " + n + " " + System.currentTimeMillis());
            if (n % 10 == 0) {
                long k = n / 10;
                log.appendNow(AuditEvent.change("test.crash-change", "thing", Long.toString(k)).change(Map.of("k", k - 1), Map.of("k", k)));
                out.println("c " + k);
            }
            Thread.sleep(1);  // about a thousand records a second: a busy node
        }
    }
}
