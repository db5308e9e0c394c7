package io.pganalytics.server.db;

import io.pganalytics.server.files.OwnerOnly;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL server run from the zonky binaries, its data kept in {@code <data-dir>/postgres} so that it survives
 * restarts, as safe as a production one (docs/SERVER.md, "Embedded PostgreSQL"):
 * <ul>
 *   <li>durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on, so an acknowledged commit
 *   survives a crash of the server, of PostgreSQL or of the machine;</li>
 *   <li>reachable only with a secret: TCP on 127.0.0.1 only, no Unix socket, password (SCRAM) authentication for every
 *   connection; the superuser's password is generated once into {@code <data-dir>/postgres-superuser-password}
 *   (owner-only), the application connects as {@value #APPLICATION_ROLE}, no superuser, with a password made anew at
 *   each start and kept in memory only;</li>
 *   <li>one server per data directory ({@link DataDirectoryLock}); a PostgreSQL of this data directory left running by a
 *   server that was killed is stopped at the next start, anything else named in postmaster.pid is refused; while the
 *   server runs, a watchdog stops its PostgreSQL as soon as the server's JVM is gone;</li>
 *   <li>owner-only files: the binaries are unpacked by {@link PostgresBinaries}, everything under the data directory
 *   is {@code 0700} / {@code 0600}.</li>
 * </ul>
 */
final class EmbeddedPostgresServer implements AutoCloseable {
    static final String DATABASE = "pganalytics";
    static final String APPLICATION_ROLE = "pganalytics";
    /** Owns schema {@code audit}; nobody logs in as it (docs/audit/integrity.md, "Immutability"). */
    static final String AUDIT_ROLE = "pganalytics_audit";
    static final String SUPERUSER = "postgres";
    static final String SUPERUSER_PASSWORD_FILE = "postgres-superuser-password";
    static final String LOG_FILE = "postgres.log";
    private static final String HBA = """
            # Written by pgAnalytics at each start (docs/SERVER.md, "Embedded PostgreSQL"): every connection needs a password.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;
    private static final Duration START_WAIT = Duration.ofSeconds(120);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final Duration STALE_STOP_WAIT = Duration.ofSeconds(30);
    /** The longest the first start of a restored data directory may replay WAL before start-up gives up. */
    private static final Duration RECOVERY_WAIT = Duration.ofHours(6);
    /** The recovery settings a restore adds (backup/restore/RecoverySettings), reset once recovery is over. */
    private static final List<String> RECOVERY_SETTINGS = List.of("restore_command", "recovery_target", "recovery_target_time",
            "recovery_target_action", "recovery_target_timeline");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final DataDirectoryLock lock;
    private final Postmaster postmaster;
    private final Path install;
    private final Path dataDir;
    private final int port;
    private final String applicationPassword;
    private final String superuserPassword;
    /** Held for the server's lifetime: its standard input is the pipe whose end stops PostgreSQL. */
    private final Optional<Process> watchdog;

    private EmbeddedPostgresServer(DataDirectoryLock lock, Postmaster postmaster, Path install, Path dataDir, int port,
                                   String applicationPassword, String superuserPassword, Optional<Process> watchdog) {
        this.lock = lock;
        this.postmaster = postmaster;
        this.install = install;
        this.dataDir = dataDir;
        this.port = port;
        this.applicationPassword = applicationPassword;
        this.superuserPassword = superuserPassword;
        this.watchdog = watchdog;
    }

    static EmbeddedPostgresServer start(Path dataDir, int port) {
        return start(dataDir, port, Optional.empty());
    }

    /** As above, archiving WAL as {@code archiving} says (backups of the embedded database: docs/backup/embedded.md). */
    static EmbeddedPostgresServer start(Path dataDir, int port, Optional<WalArchiving> archiving) {
        Path pgData = dataDir.resolve("postgres");
        DataDirectoryLock lock = null;
        Postmaster postmaster = null;
        boolean started = false;
        try {
            OwnerOnly.directory(dataDir);
            lock = DataDirectoryLock.acquire(dataDir);
            Path log = dataDir.resolve(LOG_FILE);
            OwnerOnly.writeString(log, "");  // this start's programs only: it never grows past one start
            Path binariesRoot = dataDir.resolve("pg-binaries");
            Optional<ProcessHandle> stale = staleOwnPostmaster(pgData, binariesRoot);
            Path install = PostgresBinaries.prepare(binariesRoot);
            postmaster = new Postmaster(install, pgData, log);
            if (stale.isPresent()) {
                stopStale(postmaster, stale.get());
            }
            PostgresBinaries.removeOthers(binariesRoot, install);

            Path passwordFile = dataDir.resolve(SUPERUSER_PASSWORD_FILE);
            boolean newPassword = !Files.isRegularFile(passwordFile);
            String superuserPassword = newPassword ? newPassword() : Files.readString(passwordFile).strip();
            if (newPassword) {
                OwnerOnly.writeString(passwordFile, superuserPassword + "\n");
            }
            if (!postmaster.initialized()) {
                postmaster.initdb(superuserPassword);
                LOG.info("embedded PostgreSQL: new cluster in {}, superuser password in {}", pgData, passwordFile);
            } else if (newPassword) {
                // a data directory of the old code (trust for every local connection) or one whose password file was deleted
                postmaster.singleUser(org.postgresql.util.PasswordUtil.genAlterUserPasswordSQL(SUPERUSER,
                        superuserPassword.toCharArray(), "scram-sha-256"));
                LOG.warn("embedded PostgreSQL: {} had no superuser password: set one (in {}) and switched to password authentication",
                        pgData, passwordFile);
            }
            Files.writeString(pgData.resolve("pg_hba.conf"), HBA);
            int chosenPort = port == 0 ? freePort() : port;
            if (archiving.isPresent()) {
                OwnerOnly.directory(archiving.get().outbox());
            }
            postmaster.start(chosenPort, settings(archiving), START_WAIT);
            started = true;
            awaitRecoveryEnd(chosenPort, superuserPassword, pgData);
            Optional<Process> watchdog = Postmaster.watchdog(postmaster.running().map(ProcessHandle::pid).orElseThrow(
                    () -> new IllegalStateException("pg_ctl started PostgreSQL but " + pgData + "/postmaster.pid names no live process")));
            String applicationPassword = newPassword();
            try (Connection c = connect(chosenPort, "postgres", SUPERUSER, superuserPassword)) {
                EmbeddedRoles.ensureApplicationRole(c, APPLICATION_ROLE, DATABASE, applicationPassword.toCharArray());
            }
            try (Connection c = connect(chosenPort, DATABASE, SUPERUSER, superuserPassword)) {
                EmbeddedRoles.handOver(c, APPLICATION_ROLE);
            }
            OwnerOnly.restrictTree(dataDir);
            LOG.info("embedded PostgreSQL: data in {}, listening on 127.0.0.1:{} (password authentication, fsync and synchronous commit on)",
                    pgData, chosenPort);
            return new EmbeddedPostgresServer(lock, postmaster, install, dataDir, chosenPort, applicationPassword, superuserPassword, watchdog);
        } catch (IOException | SQLException | RuntimeException e) {
            if (started) {
                postmaster.stop("fast", STOP_WAIT);
            }
            if (lock != null) {
                lock.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("starting the embedded PostgreSQL in " + pgData + ": " + io.getMessage(), io);
            }
            if (e instanceof SQLException sql) {
                throw new IllegalStateException("setting up the embedded PostgreSQL in " + pgData + ": " + sql.getMessage(), sql);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * A data directory restored from a backup (docs/backup/restore.md) opens for reading while PostgreSQL still replays
     * its WAL: nothing is written before the replay ends and PostgreSQL promotes. Then the restore's recovery settings
     * are reset and its staged WAL deleted, so that the restored database runs like any other.
     */
    private static void awaitRecoveryEnd(int port, String superuserPassword, Path pgData) throws SQLException, IOException {
        long started = System.nanoTime();
        long lastLog = started;
        boolean recovered = false;
        while (true) {
            try (Connection c = connect(port, "postgres", SUPERUSER, superuserPassword);
                 java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    break;
                }
                recovered = true;
                if (System.nanoTime() - lastLog > Duration.ofSeconds(15).toNanos()) {
                    lastLog = System.nanoTime();
                    LOG.info("embedded PostgreSQL: replaying the WAL of a restored backup, at {} after {} s", rs.getString(2),
                            Duration.ofNanos(lastLog - started).toSeconds());
                }
            }
            if (System.nanoTime() - started > RECOVERY_WAIT.toNanos()) {
                throw new IllegalStateException("embedded PostgreSQL in " + pgData + " was still replaying WAL after "
                        + RECOVERY_WAIT.toHours() + " h; see " + pgData.resolve("log"));
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the embedded PostgreSQL replayed WAL", e);
            }
        }
        Path staged = pgData.resolve(EmbeddedDatabase.RESTORE_STAGING);
        if (!recovered && !Files.isDirectory(staged)) {
            return;
        }
        try (Connection c = connect(port, "postgres", SUPERUSER, superuserPassword); java.sql.Statement st = c.createStatement()) {
            for (String setting : RECOVERY_SETTINGS) {
                st.execute("ALTER SYSTEM RESET " + setting);
            }
            st.execute("SELECT pg_reload_conf()");
        }
        if (Files.isDirectory(staged)) {
            PostgresBinaries.deleteTree(staged);
        }
        LOG.warn("embedded PostgreSQL: {} was restored from a backup; its recovery is complete (after {} s) and it continues on a new"
                + " timeline: take a full backup now (docs/backup/restore.md)", pgData, Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** The server's settings: durability first (zonky's own defaults turn fsync and synchronous commit off). */
    static Map<String, String> settings() {
        return settings(Optional.empty());
    }

    /**
     * As above; with {@code archiving}, PostgreSQL hands every finished WAL segment (and at least one every
     * {@code archiving.timeout()}) to {@code basic_archive}, which writes it durably into the outbox for the backup
     * engine to seal and move into its repository.
     */
    static Map<String, String> settings(Optional<WalArchiving> archiving) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", "");
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "on");
        settings.put("password_encryption", "scram-sha-256");
        settings.put("max_connections", "300");
        settings.put("shared_buffers", "128MB");
        settings.put("shared_preload_libraries", "pg_stat_statements");
        settings.put("timezone", "UTC");
        settings.put("logging_collector", "on");
        settings.put("log_directory", "log");
        settings.put("log_filename", "postgresql-%a.log");
        settings.put("log_truncate_on_rotation", "on");
        settings.put("log_rotation_age", "1d");
        settings.put("log_rotation_size", "0");
        settings.put("log_file_mode", "0600");
        archiving.ifPresent(a -> {
            settings.put("wal_level", "replica");
            settings.put("archive_mode", "on");
            settings.put("archive_library", "basic_archive");
            settings.put("basic_archive.archive_directory", a.outbox().toAbsolutePath().toString());
            settings.put("archive_timeout", Long.toString(Math.max(1, a.timeout().toSeconds())));
        });
        return settings;
    }

    /**
     * A live postmaster named by {@code <pgdata>/postmaster.pid}. Ours (our binaries, our data directory: a server that
     * was killed left it running; the lock held here proves that server is gone) is returned to be stopped; anything
     * else alive under that pid is refused with its description, and never signalled.
     */
    private static Optional<ProcessHandle> staleOwnPostmaster(Path pgData, Path binariesRoot) throws IOException {
        Optional<Postmaster.PidFile> pidFile = new Postmaster(binariesRoot, pgData, null).pidFile();
        if (pidFile.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pidFile.get().pid()).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || process.get().pid() == ProcessHandle.current().pid()) {
            return Optional.empty();  // a stale file: PostgreSQL replaces it itself
        }
        Optional<String> command = process.get().info().command().map(c -> c.replace(" (deleted)", ""));
        boolean ourBinaries = command.isPresent() && Path.of(command.get()).getFileName().toString().startsWith("postgres")
                && Path.of(command.get()).normalize().startsWith(Files.exists(binariesRoot) ? binariesRoot.toRealPath() : binariesRoot);
        boolean ourDirectory = sameFile(Path.of(pidFile.get().dataDirectory()), pgData);
        if (ourBinaries && ourDirectory) {
            return process;
        }
        throw new IllegalStateException(pgData.resolve("postmaster.pid") + " names a live process that is not this data directory's"
                + " PostgreSQL (" + String.join(", ", Postmaster.describe(process.get())) + "): if no PostgreSQL runs on " + pgData
                + ", delete that file and start again");
    }

    private static void stopStale(Postmaster postmaster, ProcessHandle stale) {
        LOG.warn("embedded PostgreSQL: pid {} still runs on {} although its server is gone (killed?): stopping it",
                stale.pid(), postmaster.pgData());
        if (!postmaster.stop("fast", STALE_STOP_WAIT)) {
            postmaster.stop("immediate", STALE_STOP_WAIT);
        }
        long deadline = System.nanoTime() + STALE_STOP_WAIT.toNanos();
        while (stale.isAlive() && System.nanoTime() < deadline) {
            try {
                stale.onExit().get(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // polled again until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (stale.isAlive()) {
            throw new IllegalStateException("the PostgreSQL left running on " + postmaster.pgData() + " (pid " + stale.pid()
                    + ") did not stop within " + STALE_STOP_WAIT.toSeconds() + " s");
        }
        LOG.info("embedded PostgreSQL: the stale postmaster {} stopped", stale.pid());
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static Connection connect(int port, String database, String user, String password) throws SQLException {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[]{"127.0.0.1"});
        source.setPortNumbers(new int[]{port});
        source.setDatabaseName(database);
        source.setUser(user);
        source.setPassword(password);
        source.setApplicationName("pganalytics-server-setup");
        source.setConnectTimeout(10);
        return source.getConnection();
    }

    private static String newPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Before migrations: the application role may change the audit schema while they run. */
    void beforeMigrations() throws SQLException {
        try (Connection c = connect(port, DATABASE, SUPERUSER, superuserPassword)) {
            EmbeddedRoles.lendAudit(c, APPLICATION_ROLE, AUDIT_ROLE);
        }
    }

    /** After migrations: the audit schema belongs to {@value #AUDIT_ROLE}, the application only reads and appends. */
    void afterMigrations() throws SQLException {
        try (Connection c = connect(port, DATABASE, SUPERUSER, superuserPassword)) {
            EmbeddedRoles.separateAudit(c, APPLICATION_ROLE, AUDIT_ROLE);
        }
    }

    /** {@code <data-dir>/postgres}. */
    Path pgData() {
        return postmaster.pgData();
    }

    /** The unpacked binaries ({@code bin/initdb}, {@code bin/pg_ctl}, {@code bin/postgres}). */
    Path install() {
        return install;
    }

    /** A new connection as the superuser (for what the application role may not do, such as the low-level backup API). */
    Connection superuser() throws SQLException {
        return connect(port, DATABASE, SUPERUSER, superuserPassword);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    String user() {
        return APPLICATION_ROLE;
    }

    String password() {
        return applicationPassword;
    }

    int port() {
        return port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        watchdog.ifPresent(Process::destroy);  // a graceful stop: the watchdog must not signal a later postmaster
        if (postmaster.stop("fast", STOP_WAIT)) {
            LOG.info("embedded PostgreSQL stopped");
        }
        try {
            OwnerOnly.restrictTree(dataDir.resolve("postgres"));
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL: {}", e.getMessage());
        }
        lock.close();
    }
}
