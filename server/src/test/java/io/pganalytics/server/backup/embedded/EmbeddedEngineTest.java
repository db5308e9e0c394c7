package io.pganalytics.server.backup.embedded;

import io.helidon.config.Config;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupContext;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.db.EmbeddedDatabase;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded engine on a real server with its embedded PostgreSQL (WAL archiving on, as by default): base backups,
 * WAL shipping, the outbox's bound, expiry, a full repository and a repository of another cluster.
 */
class EmbeddedEngineTest {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEngineTest.class);
    private static Path dataDir;
    private static PgAnalyticsServer server;
    private static EmbeddedEngine engine;
    private static SealedStreams sealing;

    @BeforeAll
    static void start() {
        dataDir = TestServers.tempDir();
        Config config = ConfigLoader.load(null, Map.of(), Map.of(
                "server.data-dir", dataDir.toString(),
                "http.host", "127.0.0.1",
                "http.port", "0",
                "http.admin-port", "0",
                "cluster.name", TestServers.newClusterName(),
                "cluster.port", Integer.toString(TestServers.freePort()),
                "backup.wal-ship-interval", "200ms"));
        server = PgAnalyticsServer.start(config, Map.of(), Clock.systemUTC());
        BackupEngine chosen = server.backup().engine().orElseThrow(() -> new AssertionError("no backup engine on the embedded default"));
        engine = assertInstanceOf(chosen);
        sealing = new SealedStreams(server.crypto().keyEncryptionKeys(), () -> server.crypto().keys().currentKekVersion(), new SecureRandom());
    }

    private static EmbeddedEngine assertInstanceOf(BackupEngine chosen) {
        assertTrue(chosen instanceof EmbeddedEngine, "the embedded default backs up with the embedded engine, not " + chosen.name());
        return (EmbeddedEngine) chosen;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBackupCompletesWithAVerifiedManifestAndCatalogueRow() throws Exception {
        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] bytes = {0, 0};
        Progress progress = new Progress() {
            @Override
            public void phase(String phase) {
                phases.add(phase);
            }

            @Override
            public void bytes(long done, long total) {
                bytes[0] = done;
                bytes[1] = total;
            }
        };
        String id = engine.backup("full", null, "test", progress);
        assertTrue(BackupIds.ID.matcher(id).matches() && id.matches("\\d{8}T\\d{6}Z(-\\d+)?"), id);

        BackupManifest manifest = BackupManifest.read(engine.store(), sealing, id);
        assertEquals(id, manifest.id());
        assertEquals(1, manifest.objects().size());
        BackupManifest.StoredFile base = manifest.objects().getFirst();
        assertEquals(BackupManifest.directory(id) + BackupManifest.BASE, base.name());
        assertEquals(base.sha256(), sha256(engine.store(), base.name()), "the manifest names the stored object's checksum");
        assertTrue(manifest.backupLabel().contains("START WAL LOCATION"), manifest.backupLabel());
        assertTrue(engine.store().exists(BackupManifest.walObject(manifest.walStop())), "the backup's last WAL segment is in the repository");

        BackupView row = server.backup().catalog().find(id).orElseThrow();
        assertEquals("complete", row.state(), String.valueOf(row.error()));
        assertEquals("embedded", row.engine());
        assertEquals(manifest.walStart(), row.walStart());
        assertEquals(manifest.walStop(), row.walStop());
        assertEquals(manifest.sizeBytes(), row.sizeBytes());
        assertEquals(sealing.currentKeyVersion(), row.keyVersion());
        assertTrue(phases.contains("copying the data directory") && phases.getLast().equals("complete"), phases.toString());
        assertTrue(bytes[0] > 0 && bytes[0] == bytes[1], "progress ends at its total: " + bytes[0] + "/" + bytes[1]);

        Set<String> entries = tarEntries(engine.store(), base.name());
        for (String wanted : List.of("PG_VERSION", "global/pg_control", "backup_label", "pg_wal/", "pg_wal/archive_status/", "base/")) {
            assertTrue(entries.contains(wanted), "the tar holds " + wanted);
        }
        for (String excluded : List.of("postmaster.pid", "postmaster.opts")) {
            assertFalse(entries.contains(excluded), "the tar leaves out " + excluded);
        }
        assertTrue(entries.stream().noneMatch(e -> e.startsWith("pg_wal/0") || e.startsWith("log/") && !e.equals("log/")
                || e.startsWith("pg_stat_tmp/") && !e.equals("pg_stat_tmp/")), "no WAL, log or temporary stats in the tar");
    }

    @Test
    void walSegmentsArriveInTheRepositoryAfterPgSwitchWal() throws Exception {
        String segment;
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS wal_probe (v int)");
            st.execute("INSERT INTO wal_probe VALUES (1)");
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                segment = rs.getString(1);
            }
        }
        String object = BackupManifest.walObject(segment);
        Eventually.await(Duration.ofSeconds(60), segment + " in the repository and the catalogue", () -> {
            try {
                return engine.store().exists(object)
                        && server.backup().catalog().walFrom(segment).stream().anyMatch(w -> w.name().equals(segment));
            } catch (IOException e) {
                return false;
            }
        });
        assertFalse(Files.exists(BackupConfig.walOutbox(dataDir).resolve(segment)), "shipped segments leave the outbox");
        try (InputStream in = sealing.open(engine.store().read(object), object)) {
            assertEquals(16 << 20, in.readAllBytes().length, "the object opens to the whole 16 MiB segment");
        }
        WalArchivingStatus status = engine.archiving();
        assertTrue(status.enabled() && !status.failing(), String.valueOf(status));
        assertNotNull(status.lastArchived());
    }

    @Test
    void theOutboxBoundDropsTheOldestSegmentsAndRecordsTheGap() throws Exception {
        Path outbox = Files.createDirectories(TestServers.tempDir().resolve("outbox"));
        Path repository = TestServers.tempDir().resolve("repository");
        FileStore store = new FileStore(repository);
        List<String> names = List.of("0000000900000000000000A1", "0000000900000000000000A2", "0000000900000000000000A3",
                "0000000900000000000000A4", "0000000900000000000000A5");
        for (String name : names) {
            Files.write(outbox.resolve(name), new byte[1000]);
        }
        try (WalShipper shipper = new WalShipper(outbox, store, sealing, server.backup().catalog(), () -> {
        }, Duration.ofSeconds(1), 3000, Duration.ofSeconds(60), Clock.systemUTC())) {
            // the repository cannot take anything: its directory is a file now
            Files.delete(repository);
            Files.write(repository, new byte[0]);
            assertThrows(IOException.class, shipper::shipOnce);
            assertEquals(List.of(new WalShipper.Gap(names.get(0), names.get(1), 2, 2000, shipper.gaps().getFirst().at())), shipper.gaps());
            assertFalse(Files.exists(outbox.resolve(names.get(0))) || Files.exists(outbox.resolve(names.get(1))), "the oldest are dropped");
            assertTrue(Files.exists(outbox.resolve(names.get(2))), "the newer ones wait");
            WalArchivingStatus status = shipper.status();
            assertTrue(status.failing(), String.valueOf(status));
            assertTrue(status.lastError().contains(names.get(0) + " to " + names.get(1)), status.lastError());
            assertEquals(3, status.pending());
            assertEquals(1, shipper.failures());

            // the repository is back: the rest ships and the gap is recorded in it
            Files.delete(repository);
            store = new FileStore(repository);
            shipper.shipOnce();
            assertEquals(0, shipper.pending());
            assertTrue(store.exists(WalShipper.GAPS + names.get(0) + ".json"), "the gap is written into the repository");
            assertFalse(store.exists(BackupManifest.walObject(names.get(1))));
            assertTrue(store.exists(BackupManifest.walObject(names.get(2))));
            assertFalse(shipper.status().failing());
        }
    }

    @Test
    void theShipperThreadKeepsTryingWhileTheRepositoryFailsAndShipsOnceItWorks() throws Exception {
        Path outbox = Files.createDirectories(TestServers.tempDir().resolve("outbox"));
        Path repository = TestServers.tempDir().resolve("repository");
        Files.write(repository, new byte[0]); // not a directory: every write fails
        String segment = "0000000800000000000000B1";
        Files.write(outbox.resolve(segment), new byte[4096]);
        try (WalShipper shipper = new WalShipper(outbox, new FileStoreLater(repository), sealing, server.backup().catalog(), () -> {
        }, Duration.ofMillis(200), 1L << 30, Duration.ofSeconds(60), Clock.systemUTC())) {
            shipper.start();
            Eventually.await(Duration.ofSeconds(30), "failed rounds counted", () -> shipper.failures() >= 2);
            assertTrue(shipper.status().failing());
            assertEquals(1, shipper.status().pending(), "the segment waits in the outbox");
            Files.delete(repository);
            Eventually.await(Duration.ofSeconds(60), "the segment shipped once the repository works", () -> shipper.pending() == 0);
            assertFalse(shipper.status().failing());
            assertTrue(Files.exists(repository.resolve(BackupManifest.walObject(segment))));
        }
    }

    /** A file store whose directory may not exist yet (or be a file): made on each call, as a repository disk that comes back. */
    private record FileStoreLater(Path root) implements BackupStore {
        private FileStore store() throws IOException {
            return new FileStore(root);
        }

        @Override
        public String kind() {
            return "file";
        }

        @Override
        public String location() {
            return root.toString();
        }

        @Override
        public void write(String name, Content content) throws IOException {
            store().write(name, content);
        }

        @Override
        public InputStream read(String name) throws IOException {
            return store().read(name);
        }

        @Override
        public List<StoredObject> list(String prefix) throws IOException {
            return store().list(prefix);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return store().exists(name);
        }

        @Override
        public void delete(String name) throws IOException {
            store().delete(name);
        }

        @Override
        public java.util.OptionalLong freeBytes() throws IOException {
            return store().freeBytes();
        }
    }

    @Test
    void expiryKeepsTheCountAndTheWalTheRetainedBackupsNeed() throws Exception {
        String first = engine.backup("full", "expiry", "test", Progress.NONE);
        String second = engine.backup("full", "expiry", "test", Progress.NONE);
        String third = engine.backup("full", "expiry", "test", Progress.NONE);
        assertEquals(List.of("expiry", "expiry-2", "expiry-3"), List.of(first, second, third), "ids taken get a suffix");
        BackupCatalog catalog = server.backup().catalog();
        String secondWalStart = catalog.find(second).orElseThrow().walStart();
        String firstWalStart = catalog.find(first).orElseThrow().walStart();
        assertTrue(firstWalStart.compareTo(secondWalStart) < 0);

        List<String> expired = engine.expire(2, Instant.EPOCH);
        assertTrue(expired.contains(first) && !expired.contains(second) && !expired.contains(third), expired.toString());
        assertEquals("expired", catalog.find(first).orElseThrow().state());
        assertTrue(engine.store().list(BackupManifest.directory(first)).isEmpty(), "the expired backup's objects are gone");
        BackupManifest.read(engine.store(), sealing, second);
        assertTrue(engine.store().list(BackupManifest.WAL).stream().map(BackupStore.StoredObject::name)
                        .filter(n -> n.matches("wal/[0-9A-F]{24}\\.pgab")).allMatch(n -> n.compareTo(BackupManifest.walObject(secondWalStart)) >= 0),
                "no segment older than the oldest retained backup's start is left");
        assertTrue(engine.store().exists(BackupManifest.walObject(secondWalStart)), "the oldest retained backup's WAL stays");
        assertTrue(catalog.walFrom("").stream().filter(w -> w.name().length() == 24 && w.timeline() == 1)
                .allMatch(w -> w.name().compareTo(secondWalStart) >= 0), "the catalogue forgets the deleted WAL");

        // by age everything would go: the newest complete backup stays whatever the retention
        List<String> byAge = engine.expire(5, Instant.now().plus(Duration.ofDays(1)));
        assertFalse(byAge.contains(third), byAge.toString());
        assertEquals("complete", catalog.find(third).orElseThrow().state());
        BackupManifest.read(engine.store(), sealing, third);
    }

    @Test
    void aRepositoryOnAFullFilesystemFailsTheBackupCleanly() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a small tmpfs needs root: the full-repository test is skipped");
        Path mount = TestServers.tempDir().resolve("small");
        Files.createDirectories(mount);
        Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String output = new String(mounting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mounting.waitFor(30, TimeUnit.SECONDS) && mounting.exitValue() == 0,
                "cannot mount a tmpfs here (" + output.strip() + "): the full-repository test is skipped");
        try (EmbeddedEngine small = engineWithRepository(mount.resolve("repository"))) {
            BackupException failure = assertThrows(BackupException.class, () -> small.backup("full", "full-disk", "test", Progress.NONE));
            assertTrue(failure.getMessage().contains("No space left on device"), failure.getMessage());
            BackupView row = server.backup().catalog().find("full-disk").orElseThrow();
            assertEquals("failed", row.state());
            assertEquals(failure.getMessage(), row.error());
            assertTrue(small.store().list(BackupManifest.BACKUPS).isEmpty(), "no object of the failed backup is left");
            try (var files = Files.walk(mount)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".writing-")), "no partial file is left");
            }
            // the database carries on
            try (Connection c = server.database().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS after_full_disk (v int)");
                st.execute("INSERT INTO after_full_disk VALUES (1)");
                c.commit();
            }
        } finally {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRepositoryOfAnotherClusterIsRefused() throws Exception {
        Path repository = TestServers.tempDir().resolve("other");
        FileStore other = new FileStore(repository);
        other.write(RepositoryMarker.NAME, out -> out.write("""
                {"format":1,"engine":"embedded","systemId":"7123456789012345678","created":"2026-01-01T00:00:00Z"}
                """.getBytes(StandardCharsets.UTF_8)));
        try (EmbeddedEngine foreign = engineWithRepository(repository)) {
            BackupException refused = assertThrows(BackupException.class, () -> foreign.backup("full", "foreign", "test", Progress.NONE));
            assertTrue(refused.getMessage().contains("belongs to another database cluster (system identifier 7123456789012345678"),
                    refused.getMessage());
            assertEquals("failed", server.backup().catalog().find("foreign").orElseThrow().state());
            assertTrue(other.list(BackupManifest.BACKUPS).isEmpty());
            assertThrows(BackupException.class, () -> foreign.shipper().shipUntil("000000010000000000000001"),
                    "no WAL is shipped into it either");
        }
    }

    @Test
    void printsTheBackupThroughputOfABiggerDatabase() throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            // unlogged: the rows cost no WAL to write, the backup copies their files all the same
            st.execute("CREATE UNLOGGED TABLE IF NOT EXISTS filler AS SELECT g, md5(g::text) || md5((g * 7)::text) AS t"
                    + " FROM generate_series(1, 1500000) g");
        }
        long startNanos = System.nanoTime();
        String id = engine.backup("full", "throughput", "test", Progress.NONE);
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        BackupView row = server.backup().catalog().find(id).orElseThrow();
        LOG.info("backup throughput: {} MB of database ({} MB stored) in {} ms: {} MB/s", row.sizeBytes() >> 20, row.storedBytes() >> 20,
                took.toMillis(), BaseBackup.mbPerSecond(row.sizeBytes(), took));
        assertTrue(row.sizeBytes() > 100L << 20, "a bigger database: " + row.sizeBytes());
    }

    @Test
    void aBackupWithItsWalStartsAsADatabaseHoldingWhatWasCommittedBeforeIt() throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE restore_probe (v text)");
            st.execute("INSERT INTO restore_probe VALUES ('before the backup')");
        }
        String id = engine.backup("full", "startable", "test", Progress.NONE);
        BackupManifest manifest = BackupManifest.read(engine.store(), sealing, id);
        Path target = TestServers.tempDir().resolve("restored");
        extract(manifest.objects().getFirst().name(), target);
        // the WAL from the backup's start to its end, as pg_basebackup -X fetch leaves it: enough to be consistent
        for (BackupCatalog.Wal wal : server.backup().catalog().walFrom(manifest.walStart())) {
            if (wal.name().length() == 24 && wal.name().compareTo(manifest.walStop()) <= 0) {
                String object = BackupManifest.walObject(wal.name());
                try (InputStream in = sealing.open(engine.store().read(object), object)) {
                    Files.copy(in, target.resolve("pg_wal").resolve(wal.name()));
                }
            }
        }
        Path bin = server.database().embedded().orElseThrow().bin();
        int port = TestServers.freePort();
        Path log = target.getParent().resolve("restored.log");
        run(bin.resolve("pg_ctl").toString(), "-D", target.toString(), "-l", log.toString(), "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c archive_mode=off", "-w", "-t", "120", "start");
        try {
            String password = Files.readString(dataDir.resolve("postgres-superuser-password")).strip();
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/pganalytics", "postgres", password);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM restore_probe")) {
                assertTrue(rs.next());
                assertEquals("before the backup", rs.getString(1));
            }
        } finally {
            run(bin.resolve("pg_ctl").toString(), "-D", target.toString(), "-m", "fast", "-w", "stop");
        }
    }

    private static void extract(String object, Path target) throws IOException {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (TarArchiveInputStream tar = new TarArchiveInputStream(sealing.open(engine.store().read(object), object))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path path = target.resolve(entry.getName()).normalize();
                assertTrue(path.startsWith(target), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                }
            }
        }
    }

    private static void run(String... program) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // PostgreSQL refuses root: as the server does, an unmapped uid
        }
        command.addAll(List.of(program));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }

    private static EmbeddedEngine engineWithRepository(Path repository) {
        BackupConfig c = server.backup().config();
        BackupConfig config = new BackupConfig(c.enabled(), c.engine(), Optional.of(repository), c.archiveTimeout(), c.walShipInterval(),
                c.walOutboxMax(), c.schedule(), c.verify(), c.secondRegion(), c.pgbackrest(), c.leaseTtl(), c.operationStale());
        EmbeddedDatabase embedded = server.database().embedded().orElseThrow();
        return new EmbeddedEngine(new BackupContext(config, server.database().dataSource(), Optional.of(embedded), server.backup().catalog(),
                sealing, server.crypto().sealer(), dataDir, server.nodeName(), Clock.systemUTC(), new HashMap<>()));
    }

    private static Connection superuser() throws SQLException {
        Connection c = server.database().embedded().orElseThrow().superuser();
        c.setAutoCommit(true);
        return c;
    }

    private static String sha256(BackupStore store, String name) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = store.read(name)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Set<String> tarEntries(BackupStore store, String name) throws IOException {
        Set<String> entries = new HashSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(sealing.open(store.read(name), name))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                entries.add(entry.getName());
            }
        }
        return entries;
    }
}
