package io.pganalytics.server.backup.pgbackrest;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupContext;
import io.pganalytics.server.backup.BackupEngine;
import io.pganalytics.server.backup.BackupEngines;
import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.OutsideWindowsException;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.testing.DebianPostgres;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pgBackRest engine against real components: Debian's PostgreSQL 15 archiving with {@code pgbackrest archive-push}
 * into two encrypted repositories, the server's engine driving {@code pgbackrest} as {@code postgres}
 * ({@code runuser -u postgres -- pgbackrest}, the {@code command} setting), the catalogue in that same database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgBackRestEngineTest {
    private static final String STANZA = "pga";
    private static final String PASSPHRASE = "test-passphrase-" + UUID.randomUUID();
    private Path dir;
    private DebianPostgres postgres;
    private HikariDataSource dataSource;
    private KeyStoreFileKeys kek;
    private SealedStreams sealing;
    private BackupCatalog catalog;
    private BackupEngine engine;
    private Path repo1;
    private Path repo2;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(DebianPostgres.installed(), "Debian's PostgreSQL 15 is not installed (apt-get install postgresql-15): skipped");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pgbackrest")), "pgBackRest is not installed (apt-get install pgbackrest): skipped");
        dir = TestServers.tempDir();
        repo1 = Files.createDirectories(dir.resolve("repo1"));
        repo2 = Files.createDirectories(dir.resolve("region2"));
        Path serverData = Files.createDirectories(dir.resolve("server-data"));
        Path home = Files.createDirectories(serverData.resolve("pgbackrest"));
        Files.writeString(home.resolve("pgbackrest.conf"), "");
        // the database host's own pgBackRest configuration, which archive-push reads (passphrase included: pgBackRest's
        // documented practice for the host that runs PostgreSQL)
        Path hostConf = dir.resolve("host-pgbackrest.conf");
        Files.writeString(hostConf, """
                [global]
                repo1-path=%s
                repo1-cipher-type=aes-256-cbc
                repo1-cipher-pass=%s
                repo2-path=%s
                repo2-cipher-type=aes-256-cbc
                repo2-cipher-pass=%s
                lock-path=%s
                log-level-file=off
                [%s]
                pg1-path=%s
                """.formatted(repo1, PASSPHRASE, repo2, PASSPHRASE, dir.resolve("host-lock"), STANZA, dir.resolve("pg/pgdata")));
        Path passFile = dir.resolve("cipher-pass");
        Files.writeString(passFile, PASSPHRASE + "\n");
        DebianPostgres.giveToPostgres(dir);
        postgres = DebianPostgres.start(dir.resolve("pg"), Map.of(
                "wal_level", "replica",
                "archive_mode", "on",
                "archive_command", "pgbackrest --config=" + hostConf + " --stanza=" + STANZA + " archive-push %p",
                "max_wal_senders", "3"));
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.jdbcUrl("postgres"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(4);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        catalog = new BackupCatalog(dataSource);
        kek = KeyStoreFileKeys.open(dir.resolve("kek.p12"), "a passphrase for tests".toCharArray(), true, new SecureRandom());
        int version = kek.createVersion();
        sealing = new SealedStreams(kek, () -> version, new SecureRandom());
        Map<String, String> settings = new HashMap<>(Map.of(
                "backup.engine", "pgbackrest",
                "backup.pgbackrest.stanza", STANZA,
                "backup.pgbackrest.pg-path", postgres.dataDir().toString(),
                "backup.pgbackrest.pg-port", String.valueOf(postgres.port()),
                "backup.pgbackrest.pg-socket", postgres.socketDir().toString(),
                "backup.pgbackrest.repo-path", repo1.toString(),
                "backup.pgbackrest.cipher-pass-file", passFile.toString(),
                "backup.second-region.path", repo2.toString(),
                "backup.verify.postgres-bin", DebianPostgres.BIN.toString()));
        List<String> command = new ArrayList<>(DebianPostgres.asPostgres());
        command.add("pgbackrest");
        settings.put("backup.pgbackrest.command", String.join(",", command));
        engine = BackupEngines.create(context(settings, serverData)).orElseThrow(() -> new AssertionError("no pgBackRest engine was built"));
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE sample (n integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        }
    }

    private BackupContext context(Map<String, String> settings, Path serverData) {
        BackupConfig config = BackupConfig.from(Config.just(ConfigSources.create(settings)).get("backup"));
        return new BackupContext(config, dataSource, Optional.empty(), catalog, sealing, null, serverData, "node-a", Clock.systemUTC(), Map.of());
    }

    @AfterAll
    void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (kek != null) {
            kek.close();
        }
        if (dir != null) {
            DebianPostgres.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(60));
        }
    }

    @Test
    void restoreToANotedTimeBringsBackOnlyTheRowsBeforeIt() throws Exception {
        String full = engine.backup("full", "run-" + UUID.randomUUID(), "user-1", Progress.NONE);
        Instant fullConsistent = catalog.find(full).orElseThrow().consistentAt();
        Eventually.await(Duration.ofSeconds(10), "the database clock passes the full backup's consistent point",
                () -> now().isAfter(fullConsistent));
        insert(1, 100);
        Instant noted = now();
        insert(101, 200);
        String differential = engine.backup("differential", "run-" + UUID.randomUUID(), "user-1", Progress.NONE);

        BackupView row = catalog.find(differential).orElseThrow();
        assertEquals("differential", row.kind());
        assertEquals(full, row.parentId());
        assertEquals(BackupView.COMPLETE, row.state());
        assertEquals("pgbackrest aes-256-cbc", row.keyVersion());
        assertNotNull(row.walStart());

        Path target = Files.createDirectories(dir.resolve("restored-" + UUID.randomUUID()));
        DebianPostgres.giveToPostgres(target);
        RestorePlan plan = engine.plan(Optional.of(noted), target);
        assertEquals(full, plan.backupId(), "the newest backup consistent before the time: " + plan);
        assertTrue(engine.plan(Optional.empty(), target).backupId().equals(differential), "latest starts from the differential");
        List<long[]> seen = new ArrayList<>();
        engine.restore(plan, new Progress() {
            @Override
            public void phase(String phase) {
            }

            @Override
            public void bytes(long done, long total) {
                seen.add(new long[]{done, total});
            }
        });
        assertFalse(seen.isEmpty(), "the restore reported progress");

        Path socket = Files.createDirectories(dir.resolve("s" + UUID.randomUUID().toString().substring(0, 4)));
        try (DebianPostgres copy = DebianPostgres.startCopy(target, socket, dir.resolve("restored-" + UUID.randomUUID() + ".log"),
                // its restore_command (pgbackrest archive-get) needs the passphrase: in the environment of the account
                // that starts it, or in that host's pgbackrest.conf (docs/backup/pgbackrest.md)
                Map.of("PGBACKREST_REPO1_CIPHER_PASS", PASSPHRASE, "PGBACKREST_REPO2_CIPHER_PASS", PASSPHRASE));
             Connection c = copy.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), min(n), max(n) FROM sample")) {
            rs.next();
            assertEquals(100, rs.getInt(1), "only the rows inserted before " + noted);
            assertEquals(1, rs.getInt(2));
            assertEquals(100, rs.getInt(3));
        }
    }

    @Test
    void aRestoreOutsideTheWindowsIsRefusedNamingTheNearestTimes() {
        engine.backup("full", "run-" + UUID.randomUUID(), "user-1", Progress.NONE);
        List<RecoveryWindow> windows = engine.windows();
        assertFalse(windows.isEmpty());
        Instant before = windows.getFirst().from().minusSeconds(3600);
        OutsideWindowsException refused = assertThrows(OutsideWindowsException.class, () -> engine.plan(Optional.of(before), dir.resolve("never")));
        assertEquals(Optional.of(windows.getFirst().from()), refused.nearestAfter());
        assertTrue(refused.getMessage().contains(windows.getFirst().from().toString()), refused.getMessage());
        Instant after = windows.getLast().to().plusSeconds(3600);
        OutsideWindowsException late = assertThrows(OutsideWindowsException.class, () -> engine.plan(Optional.of(after), dir.resolve("never")));
        assertEquals(Optional.of(windows.getLast().to()), late.nearestBefore());
        assertFalse(Files.exists(dir.resolve("never")), "a refused plan creates nothing");
    }

    @Test
    void aRestoreIntoANonEmptyDirectoryIsRefused() throws Exception {
        Path target = Files.createDirectories(dir.resolve("busy-" + UUID.randomUUID()));
        Files.writeString(target.resolve("PG_VERSION"), "15\n");
        BackupException refused = assertThrows(BackupException.class, () -> engine.plan(Optional.empty(), target));
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
    }

    @Test
    void theSecondRepositoryHoldsTheBackupToo() {
        List<String> phases = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        String label = engine.backup("full", "run-" + UUID.randomUUID(), "user-1", new Progress() {
            @Override
            public void phase(String phase) {
                phases.add(phase);
            }

            @Override
            public void bytes(long bytes, long total) {
                done.add(bytes);
            }
        });
        assertTrue(phases.stream().anyMatch(p -> p.contains("repo2")), phases.toString());
        assertFalse(done.isEmpty(), "the backup reported bytes as pgBackRest copied files");
        PgBackRestInfo.Stanza info = ((PgBackRestEngine) engine).info();
        assertFalse(info.in(2).isEmpty(), "repo2 holds a backup");
        assertNotNull(catalog.find(label).orElseThrow().copiedAt(), "the catalogue says the second region holds a copy");
        List<RepositoryStatus> repositories = engine.repositories();
        assertEquals(2, repositories.size(), repositories.toString());
        RepositoryStatus second = repositories.get(1);
        assertEquals(RepositoryStatus.SECOND_REGION, second.role());
        assertTrue(second.reachable(), second.toString());
        assertEquals(repo2.toAbsolutePath().toString(), second.location());
        assertNotNull(second.lagSeconds());
        assertTrue(repositories.getFirst().reachable(), repositories.getFirst().toString());
    }

    @Test
    void expiryKeepsTheNewestFullBackupsAndMarksTheOthersExpired() {
        String older = engine.backup("full", "run-" + UUID.randomUUID(), "user-1", Progress.NONE);
        String newer = engine.backup("full", "run-" + UUID.randomUUID(), "user-1", Progress.NONE);
        List<String> expired = engine.expire(1, Instant.now().plus(Duration.ofDays(1)));
        assertTrue(expired.contains(older), expired.toString());
        assertFalse(expired.contains(newer), expired.toString());
        assertEquals(BackupView.EXPIRED, catalog.find(older).orElseThrow().state());
        assertEquals(BackupView.COMPLETE, catalog.find(newer).orElseThrow().state());
        PgBackRestInfo.Stanza info = ((PgBackRestEngine) engine).info();
        assertEquals(List.of(newer), info.in(1).stream().filter(b -> b.type().equals("full")).map(PgBackRestInfo.Backup::label).toList());
        assertEquals(1, info.in(2).stream().filter(b -> b.type().equals("full")).count(), "repo2 expires by the same retention");
    }

    @Test
    void archivingReportsTheDatabasesArchiverAndACheckThatPasses() {
        WalArchivingStatus status = engine.archiving();
        assertTrue(status.enabled(), status.toString());
        assertFalse(status.failing(), status.toString());
        assertNotNull(status.lastArchived(), status.toString());
    }

    @Test
    void thePassphraseIsNeitherInTheConfigurationNorOnACommandLine() throws Exception {
        String conf = Files.readString(dir.resolve("server-data/pgbackrest/pgbackrest.conf"), StandardCharsets.UTF_8);
        assertFalse(conf.contains(PASSPHRASE));
        assertTrue(conf.contains("repo1-cipher-type=aes-256-cbc"), conf);
        assertTrue(conf.contains("repo2-path=" + repo2.toAbsolutePath()), conf);
    }

    @Test
    void withoutAPgPathTheEngineReportsNotConfiguredInsteadOfFailingTheServer() throws Exception {
        Path serverData = Files.createDirectories(dir.resolve("unconfigured-" + UUID.randomUUID()));
        BackupContext unconfigured = context(Map.of("backup.engine", "pgbackrest"), serverData);
        assertTrue(BackupEngines.create(unconfigured).isEmpty(), "no engine is built: the server's status names what to configure");
        BackupEngine bare = new PgBackRestEngine(unconfigured);
        assertTrue(bare.archiving().lastError().contains("not configured"), bare.archiving().toString());
        assertTrue(bare.archiving().failing());
        assertTrue(bare.repositories().getFirst().error().contains("not configured"), bare.repositories().toString());
        String id = "run-" + UUID.randomUUID();
        assertThrows(BackupException.class, () -> bare.backup("full", id, "user-1", Progress.NONE));
        assertEquals(BackupView.FAILED, catalog.find(id).orElseThrow().state());
    }

    private Instant now() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void insert(int from, int to) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO sample (n) SELECT g FROM generate_series(" + from + ", " + to + ") g");
        }
    }
}
