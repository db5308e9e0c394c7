package io.pganalytics.tools.simulate;

import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest {
    @TempDir
    Path dir;
    private TestIngestServer server;
    private ByteArrayOutputStream outBytes;
    private ByteArrayOutputStream errBytes;

    @BeforeEach
    void start() throws Exception {
        server = new TestIngestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int simulate(String... args) throws Exception {
        outBytes = new ByteArrayOutputStream();
        errBytes = new ByteArrayOutputStream();
        return SimulateCommand.run(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), Map.of(), "test");
    }

    @Test
    void simulatedCollectorsRegisterWithATokenFileThenReuseTheirIdentitiesAndReportEveryBatchAcknowledged() throws Exception {
        server.acceptRegistrationToken("token-a");
        server.acceptRegistrationToken("token-b");
        Path tokens = Files.writeString(dir.resolve("tokens.txt"), "token-a\n\ntoken-b\n");
        Path identities = dir.resolve("ids");
        Path work = dir.resolve("work");

        int status = simulate("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--collectors", "2", "--interval", "300ms",
                "--duration", "2s", "--token-file", tokens.toString(), "--identities-dir", identities.toString(),
                "--work-dir", work.toString());

        String out = outBytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out + errBytes.toString(StandardCharsets.UTF_8));
        assertTrue(out.contains("registered 2 collectors"), out);
        assertTrue(out.contains("undelivered          0"), out);
        assertTrue(out.matches("(?s).*send latency ms\\s+p50 [0-9.]+\\s+p95 [0-9.]+\\s+p99 [0-9.]+.*"), out);
        java.util.regex.Matcher steady = java.util.regex.Pattern.compile("after 1st interval\\s+p50 [0-9.]+\\s+p95 [0-9.]+\\s+p99 [0-9.]+"
                + "\\s+max [0-9.]+ \\((\\d+) sends\\)").matcher(out);
        java.util.regex.Matcher all = java.util.regex.Pattern.compile("acknowledged\\s+(\\d+) ").matcher(out);
        assertTrue(steady.find() && all.find(), out);
        long steadySends = Long.parseLong(steady.group(1));
        assertTrue(steadySends > 0 && steadySends < Long.parseLong(all.group(1)), "the first interval's sends are set aside: " + out);
        try (var files = Files.list(identities)) {
            assertEquals(2, files.count());
        }
        List<MetricBatch> committed = server.committed();
        assertTrue(committed.size() >= 4, "a few batches per collector: " + committed.size());
        Set<String> authorizations = server.received().stream().map(TestIngestServer.Received::authorization).collect(Collectors.toSet());
        assertEquals(2, authorizations.size(), "each simulated collector uses its own credential");
        Map<String, Integer> rows = committed.getFirst().snapshots().stream()
                .collect(Collectors.toMap(Snapshot::family, s -> s.rows().size()));
        assertEquals(201, rows.get("statements"));
        assertEquals(50, rows.get("tables"));
        assertEquals(20, rows.get("indexes"));

        int committedBefore = committed.size();
        status = simulate("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--collectors", "2", "--interval", "300ms",
                "--duration", "1s", "--identities-dir", identities.toString());
        assertEquals(0, status, outBytes.toString(StandardCharsets.UTF_8) + errBytes.toString(StandardCharsets.UTF_8));
        assertTrue(outBytes.toString(StandardCharsets.UTF_8).contains("reusing 2 identities"));
        assertTrue(server.committed().size() > committedBefore);
    }

    @Test
    void tooFewIdentitiesAndNoTokenLeftSaysWhatIsMissing() throws Exception {
        server.acceptRegistrationToken("only-one");
        Path tokens = Files.writeString(dir.resolve("tokens.txt"), "only-one\n");
        int status = simulate("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--collectors", "3", "--duration", "1s",
                "--token-file", tokens.toString());
        assertEquals(1, status);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("need 3 identities, have 1"),
                errBytes.toString(StandardCharsets.UTF_8));
    }
}
