package io.pganalytics.server.backup.embedded;

import io.helidon.config.Config;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.backup.VerificationView.Check;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.backup.verify.BackupVerification;
import io.pganalytics.server.backup.verify.ScratchVerifier;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backs up a real server's embedded PostgreSQL with the embedded engine, then restores it with
 * {@link RepositoryReader} (to the latest point, to a point in time, each backup to its end), starts the copies with
 * the embedded binaries and checks them; corrupted objects are detected and named.
 */
class EmbeddedRestoreEndToEndTest {
    private static Path dataDir;
    private static PgAnalyticsServer server;
    private static EmbeddedEngine engine;
    private static SealedStreams sealing;
    private static Path bin;

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
        engine = (EmbeddedEngine) server.backup().engine().orElseThrow();
        sealing = new SealedStreams(server.crypto().keyEncryptionKeys(), () -> server.crypto().keys().currentKekVersion(), new SecureRandom());
        bin = server.database().embedded().orElseThrow().bin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRestoreToTheLatestPointHoldsTheNewestCommittedSampleAndPassesTheChecks() throws Exception {
        engine.backup("full", null, "test", Progress.NONE);
        Instant newest = sample(9101);
        shipWal();

        VerificationView view = verification(engine.store()).verifyChain(Progress.NONE);

        assertEquals(VerificationView.PASSED, view.state(), view.checks().toString());
        assertEquals(List.of("restore", "recovery", "metadata", "newest-sample", "row-counts", "amcheck"),
                view.checks().stream().map(Check::name).toList());
        assertTrue(detail(view, "newest-sample").contains("instance " + newest), detail(view, "newest-sample"));
    }

    @Test
    void aPointInTimeRestoreStopsBetweenTwoCommits() throws Exception {
        engine.backup("full", null, "test", Progress.NONE);
        Instant first = sample(9201);
        Instant between = awaitClockPast(first);
        Instant second = sample(9202);
        assertTrue(second.isAfter(between));
        shipWal();
        RepositoryReader repository = new RepositoryReader(engine.store(), sealing, bin);
        Path target = TestServers.tempDir().resolve("point-in-time");

        RestorePlan plan = repository.plan(Optional.of(between), target);
        repository.restore(plan, Progress.NONE);
        List<Check> checks = new ScratchVerifier(bin, Duration.ofMinutes(5)).verify(target);

        assertTrue(checks.stream().allMatch(Check::passed), checks.toString());
        String newest = checks.stream().filter(c -> c.name().equals("newest-sample")).findFirst().orElseThrow().detail();
        assertTrue(newest.contains("instance " + first), "restored up to the first sample: " + newest);
        assertFalse(Files.exists(target), "the verifier deletes the copy");
    }

    @Test
    void verifyingOneBackupReplaysToItsEndAndRecordsTheResultInTheCatalogue() {
        String id = engine.backup("full", null, "test", Progress.NONE);

        VerificationView view = verification(engine.store()).verify(id, Progress.NONE);

        assertEquals(VerificationView.PASSED, view.state(), view.checks().toString());
        VerificationView recorded = server.backup().catalog().find(id).orElseThrow().verification();
        assertEquals(VerificationView.PASSED, recorded.state());
        assertEquals(6, recorded.checks().size());
    }

    @Test
    void aCorruptedBaseObjectFailsVerificationNamingIt() throws Exception {
        String id = engine.backup("full", null, "test", Progress.NONE);
        FileStore copy = copyOfRepository();
        String base = BackupManifest.directory(id) + BackupManifest.BASE;
        flipByte(copy.root().resolve(base));

        VerificationView view = verification(copy).verify(id, Progress.NONE);

        assertEquals(VerificationView.FAILED, view.state());
        Check failed = view.checks().getLast();
        assertEquals("restore", failed.name());
        assertTrue(failed.detail().contains(base), failed.detail());
        assertEquals(VerificationView.FAILED, server.backup().catalog().find(id).orElseThrow().verification().state());
    }

    @Test
    void aCorruptedWalSegmentFailsVerificationNamingIt() throws Exception {
        String id = engine.backup("full", null, "test", Progress.NONE);
        FileStore copy = copyOfRepository();
        String segment = BackupManifest.walObject(new RepositoryReader(copy, sealing, bin).manifest(id).walStop());
        flipByte(copy.root().resolve(segment));

        VerificationView view = verification(copy).verify(id, Progress.NONE);

        assertEquals(VerificationView.FAILED, view.state());
        assertTrue(view.checks().getLast().detail().contains(segment), view.checks().toString());
    }

    @Test
    void aTimeOutsideTheWindowsIsRefusedWithTheNearestTimes() {
        engine.backup("full", null, "test", Progress.NONE);
        RepositoryReader repository = new RepositoryReader(engine.store(), sealing, bin);
        List<RecoveryWindow> windows = repository.windows();
        Instant before = windows.getFirst().from().minus(Duration.ofHours(1));

        OutsideWindowsException e = assertThrows(OutsideWindowsException.class,
                () -> repository.plan(Optional.of(before), TestServers.tempDir().resolve("never")));

        assertEquals(Optional.of(windows.getFirst().from()), e.nearestAfter());
        assertTrue(e.getMessage().contains(windows.getFirst().from().toString()), e.getMessage());
    }

    private static BackupVerification verification(BackupStore store) {
        return new BackupVerification(new RestoringEngine(engine, new RepositoryReader(store, sealing, bin)), server.backup().catalog(),
                TestServers.tempDir().resolve("scratch"), Duration.ofMinutes(5), Clock.systemUTC());
    }

    private static String detail(VerificationView view, String check) {
        return view.checks().stream().filter(c -> c.name().equals(check)).findFirst().orElseThrow().detail();
    }

    /** Commits one ts.instance row for {@code instance} stamped now, and returns its stored time. */
    private static Instant sample(long instance) throws SQLException {
        try (Connection c = superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("INSERT INTO ts.instance (instance_id, collected_at, connections) VALUES (" + instance
                     + ", clock_timestamp(), 1) RETURNING collected_at")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static Instant awaitClockPast(Instant t) {
        Eventually.await(Duration.ofSeconds(5), "the clock past " + t, () -> Instant.now().isAfter(t.plusMillis(500)));
        Instant between = Instant.now();
        Eventually.await(Duration.ofSeconds(5), "the clock past " + between, () -> Instant.now().isAfter(between.plusMillis(500)));
        return between;
    }

    /** Switches to a new WAL segment and waits until the one switched from is in the repository. */
    private static void shipWal() throws SQLException {
        String segment;
        try (Connection c = superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            rs.next();
            segment = rs.getString(1);
        }
        Eventually.await(Duration.ofSeconds(60), segment + " in the repository", () -> {
            try {
                return engine.store().exists(BackupManifest.walObject(segment));
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static FileStore copyOfRepository() throws IOException {
        Path from = ((FileStore) engine.store()).root();
        Path to = TestServers.tempDir().resolve("repository-copy");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return new FileStore(to);
    }

    private static void flipByte(Path file) throws IOException {
        var modified = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, modified);
    }

    private static Connection superuser() throws SQLException {
        Connection c = server.database().embedded().orElseThrow().superuser();
        c.setAutoCommit(true);
        return c;
    }

    /** The embedded engine with its restore side: what {@link EmbeddedEngine} delegates to {@link RepositoryReader}. */
    private record RestoringEngine(EmbeddedEngine engine, RepositoryReader repository) implements BackupEngine {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public void start() {
        }

        @Override
        public String backup(String kind, String id, String requestedBy, Progress progress) {
            return engine.backup(kind, id, requestedBy, progress);
        }

        @Override
        public List<RecoveryWindow> windows() {
            return repository.windows();
        }

        @Override
        public RestorePlan plan(Optional<Instant> to, Path target) {
            return repository.plan(to, target);
        }

        @Override
        public void restore(RestorePlan plan, Progress progress) {
            repository.restore(plan, progress);
        }

        @Override
        public Path postgresBin() {
            return repository.postgresBin();
        }

        @Override
        public List<String> expire(int retainFull, Instant oldestKept) {
            return engine.expire(retainFull, oldestKept);
        }

        @Override
        public List<RepositoryStatus> repositories() {
            return engine.repositories();
        }

        @Override
        public WalArchivingStatus archiving() {
            return engine.archiving();
        }

        @Override
        public void close() {
        }
    }
}
