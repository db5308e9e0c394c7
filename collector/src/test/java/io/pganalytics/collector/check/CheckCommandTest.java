package io.pganalytics.collector.check;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckCommandTest {
    private static final Map<String, String> ENV = Map.of("PGPASSWORD", EmbeddedPostgresVersions.COLLECTOR_PASSWORD);

    private record Result(int exit, String output) {
    }

    private static Result check(Map<String, String> env, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = CheckCommand.run(List.of(args), new PrintStream(bytes, true, StandardCharsets.UTF_8), env);
        return new Result(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutPgStatStatementsPreloadedCheckNamesTheFixAndStillCollectsTheRest() {
        Instance pg = EmbeddedPostgresVersions.withoutPgStatStatements(17);
        Result result = check(ENV, "check", "--target", pg.url());
        System.out.println(result.output());
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("pg_stat_statements is not in shared_preload_libraries: add it and restart"), result.output());
        assertTrue(result.output().contains("[missing] statements"), result.output());
        assertTrue(result.output().contains("[ok] database"), result.output());
        assertTrue(result.output().contains("[ok] activity"), result.output());
        assertTrue(result.output().contains("PostgreSQL 17."), result.output());
        assertTrue(result.output().contains("pg_monitor yes"), result.output());
    }

    @Test
    void extensionInstalledButLibraryNotLoadedIsExplainedTheSameWay() {
        Instance pg = EmbeddedPostgresVersions.withoutPgStatStatements(17);
        pg.execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        try {
            Result result = check(ENV, "--target", pg.url());
            assertEquals(0, result.exit(), result.output());
            assertTrue(result.output().contains("is installed but its library is not loaded"), result.output());
            assertTrue(result.output().contains("pg_stat_statements is not in shared_preload_libraries: add it and restart"));
        } finally {
            pg.execute("postgres", "DROP EXTENSION pg_stat_statements");
        }
    }

    @Test
    void jsonPrintsOneBatchWithASnapshotOfEveryFamilyAndDeltasForCounters() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(16);
        Result result = check(ENV, "check", "--target", pg.url(), "--json", "--sample-interval-ms", "500");
        assertEquals(0, result.exit(), result.output());
        MetricBatch batch = JsonMapping.newMapper().readValue(result.output(), MetricBatch.class);
        assertEquals(MetricBatch.SCHEMA_VERSION, batch.schemaVersion());
        Set<String> families = batch.snapshots().stream().map(Snapshot::family).collect(Collectors.toSet());
        for (String family : List.of("instance", "settings", "database", "activity", "wait_events", "statements", "tables",
                "indexes", "bgwriter", "wal", "io", "replication", "replication_slots", "wal_receiver", "locks", "vacuum",
                "host_cpu", "host_memory", "host_load", "host_filesystem")) {
            assertTrue(families.contains(family), "no " + family + " in " + families);
        }
        Snapshot database = batch.snapshots().stream().filter(s -> s.family().equals("database")).findFirst().orElseThrow();
        assertNotNull(database.intervalSeconds());
        assertTrue(database.intervalSeconds() >= 0.4, "interval " + database.intervalSeconds());
        assertFalse(database.rows().isEmpty());
    }

    @Test
    void passwordFileIsReadAndAnUnreachableServerExitsNonZero(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "not-used\n");
        Result result = check(Map.of(), "--target", "postgresql://u@127.0.0.1:" + port + "/postgres", "--password-file",
                passwordFile.toString());
        assertEquals(1, result.exit(), result.output());
        assertTrue(result.output().contains("cannot probe"), result.output());
        assertFalse(result.output().contains("not-used"), "the password is never printed");
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, check(Map.of(), "--json").exit());
        assertEquals(2, check(Map.of(), "--target", "mysql://x").exit());
    }
}
