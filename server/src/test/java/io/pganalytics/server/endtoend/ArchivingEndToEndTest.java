package io.pganalytics.server.endtoend;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.TestServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitored databases' archiving, collector to API: three real PostgreSQL servers, one whose archive_command fails,
 * one that copies segments into a directory, one with archive_mode off; a real collector ships their pg_stat_archiver
 * to a real server, and {@code GET /archiving} shows failing (with failed_count rising), ok and disabled, worst first.
 */
class ArchivingEndToEndTest {
    private static final String ROLE = "pganalytics";
    private static final String PASSWORD = "Monitor-Only-Password-1";

    @Test
    void aFailingArchiveCommandShowsFailingWithFailedCountRisingAWorkingOneOkAndArchiveModeOffDisabled(@TempDir Path dir)
            throws Exception {
        Path archive = Files.createDirectory(dir.resolve("archive"));
        try (PgAnalyticsServer server = TestServers.start("archiving_e2e");
             EmbeddedPostgres failing = monitored("on", "false");
             EmbeddedPostgres working = monitored("on", "test ! -f " + archive + "/%f && cp %p " + archive + "/%f");
             EmbeddedPostgres off = monitored("off", null)) {
            ApiClient api = new ApiClient(server);
            String admin = api.loginAdmin();
            String viewer = api.loginNewViewer("archiving-e2e-viewer");
            ApiClient.Response created = api.post("/collectors/registration-tokens", admin, "{\"note\":\"archiving test\"}");
            assertEquals(201, created.status(), created.body());
            Path ca = dir.resolve("server-ca.pem");
            Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(server.tls().orElseThrow().leaf().getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            Map<String, String> env = Map.of("HOME", dir.toString(), "PGA_ARCHIVING_PASSWORD", PASSWORD);
            String serverUrl = "https://127.0.0.1:" + server.port();
            int registered = CollectorProcess.run(dir, dir.resolve("register.log"), env, Duration.ofSeconds(60),
                    "register", "--server", serverUrl, "--token", created.json().get("token").asText(), "--name", "archiving-collector",
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
                      archiver: 1s
                      instance: 5s
                      statements: 1h
                      tables: 1h
                      indexes: 1h
                      vacuum: 1h
                    targets:
                    %s
                    """.formatted(serverUrl, ca, dir.resolve("identity.json"), dir.resolve("spool"),
                    target("arch-failing", failing) + target("arch-working", working) + target("arch-off", off)));
            Process collector = CollectorProcess.start(dir, dir.resolve("collector.log"), env, "run", "--config", config.toString());
            try {
                switchWal(failing);
                switchWal(working);
                Map<String, JsonNode> first = await(api, viewer, dir, items -> has(items, "arch-failing", "failing")
                        && has(items, "arch-working", "ok") && items.get("arch-working").get("archivedCount").asLong() > 0
                        && has(items, "arch-off", "disabled"));
                long failedBefore = first.get("arch-failing").get("failedCount").asLong();
                assertTrue(failedBefore > 0, first.toString());
                assertTrue(first.get("arch-failing").hasNonNull("lastFailedWal"), first.toString());
                assertTrue(first.get("arch-working").get("lastArchivedWal").asText().matches("[0-9A-F]{24}"), first.toString());
                assertTrue(Files.exists(archive.resolve(first.get("arch-working").get("lastArchivedWal").asText())),
                        "the working archive_command really copied the segment");
                assertEquals("off", first.get("arch-off").get("archiveMode").asText());

                switchWal(failing);
                Map<String, JsonNode> later = await(api, viewer, dir, items -> has(items, "arch-failing", "failing")
                        && items.get("arch-failing").get("failedCount").asLong() > failedBefore);
                assertTrue(later.get("arch-failing").get("failedCount").asLong() > failedBefore, "failed_count rises");

                List<String> order = new ArrayList<>();
                for (JsonNode item : api.get("/archiving", viewer).json()) {
                    order.add(item.get("instanceName").asText());
                }
                assertEquals(List.of("arch-failing", "arch-off", "arch-working"), order, "worst first");
                String id = later.get("arch-failing").get("instanceId").asText();
                ApiClient.Response one = api.get("/instances/" + id + "/archiving", viewer);
                assertEquals(200, one.status(), one.body());
                assertEquals("failing", one.json().get("state").asText());
            } finally {
                CollectorProcess.stop(collector);
            }
        }
    }

    /** archive_mode needs a restart, so it is a start option; archive_command (spaces) is set afterwards and reloaded. */
    private static EmbeddedPostgres monitored(String archiveMode, String archiveCommand) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("fsync", "off")
                .setServerConfig("archive_mode", archiveMode).start();
        execute(pg, "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'", "GRANT pg_monitor TO " + ROLE,
                "CREATE TABLE archived_rows (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
        if (archiveCommand != null) {
            execute(pg, "ALTER SYSTEM SET archive_command = '" + archiveCommand.replace("'", "''") + "'", "SELECT pg_reload_conf()");
        }
        return pg;
    }

    private static String target(String name, EmbeddedPostgres pg) {
        return "  - name: " + name + "\n    url: postgresql://" + ROLE + "@127.0.0.1:" + pg.getPort() + "/postgres\n"
                + "    password-env: PGA_ARCHIVING_PASSWORD\n";
    }

    /** Writes a little WAL and closes the segment, so that the archiver has one to archive. */
    private static void switchWal(EmbeddedPostgres pg) throws SQLException {
        execute(pg, "INSERT INTO archived_rows DEFAULT VALUES", "SELECT pg_switch_wal()");
    }

    private static void execute(EmbeddedPostgres pg, String... statements) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private static boolean has(Map<String, JsonNode> items, String name, String state) {
        return items.containsKey(name) && items.get(name).get("state").asText().equals(state);
    }

    private static Map<String, JsonNode> await(ApiClient api, String viewer, Path dir, Predicate<Map<String, JsonNode>> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, JsonNode> items = new HashMap<>();
        while (System.nanoTime() < deadline) {
            ApiClient.Response response = api.get("/archiving", viewer);
            assertEquals(200, response.status(), response.body());
            items.clear();
            for (JsonNode item : response.json()) {
                items.put(item.get("instanceName").asText(), item);
            }
            if (done.test(items)) {
                return items;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("archiving never reached the expected states: " + items + "\ncollector log:\n"
                + Files.readString(dir.resolve("collector.log")));
    }
}
