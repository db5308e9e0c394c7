package io.pganalytics.tools.bench;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL the incident suite plants its incidents in: a primary and a streaming standby of their own (apart from
 * the server's database, so that their statistics are the workload's alone), run from the PostgreSQL binaries the
 * product already unpacks (the server's {@code <data-dir>/pg-binaries}, or whichever directory holds {@code initdb},
 * {@code pg_ctl} and {@code postgres}). Password (SCRAM) authentication on 127.0.0.1 only; pg_stat_statements
 * preloaded; a role with {@code pg_monitor} for the collector; {@code autovacuum_naptime} 5 s so that autovacuum reacts
 * within a collection interval or two. The standby is a copy of the primary taken while it was stopped, streaming
 * through a physical replication slot.
 */
final class IncidentCluster implements AutoCloseable {
    static final String DATABASE = "incidents";
    static final String MONITOR_ROLE = "pga_incident_monitor";
    static final String SLOT = "incident_standby";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Path bin;
    private final Path primaryDir;
    private final Path standbyDir;
    private final int primaryPort;
    private final int standbyPort;
    private final String superuserPassword;
    private final String monitorPassword;
    private boolean primaryRunning;
    private boolean standbyRunning;

    private IncidentCluster(Path bin, Path dir, int primaryPort, int standbyPort, String superuserPassword, String monitorPassword) {
        this.bin = bin;
        this.primaryDir = dir.resolve("primary");
        this.standbyDir = dir.resolve("standby");
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
        this.superuserPassword = superuserPassword;
        this.monitorPassword = monitorPassword;
    }

    /** The directory holding {@code initdb}, {@code pg_ctl} and {@code postgres} under a server's data directory. */
    static Path binariesOfServer(Path serverDataDir) throws IOException {
        Path root = serverDataDir.resolve("pg-binaries");
        try (Stream<Path> installs = Files.list(root)) {
            return installs.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
                    .findFirst().orElseThrow(() -> new IOException("no PostgreSQL binaries under " + root));
        }
    }

    /** The binaries of a running local PostgreSQL, found from one of its backends' executable (/proc/PID/exe). */
    static Path binariesOf(Connection c) throws SQLException, IOException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            Path exe = Path.of("/proc", Integer.toString(rs.getInt(1)), "exe").toRealPath();
            return exe.getParent();
        }
    }

    /** Creates and starts the primary (and the standby when asked) in {@code dir}; returns once both accept connections. */
    static IncidentCluster start(Path bin, Path dir, boolean standby) throws IOException, SQLException, InterruptedException {
        Files.createDirectories(dir);
        SecureRandom random = new SecureRandom();
        IncidentCluster cluster = new IncidentCluster(bin, dir, freePort(), freePort(), password(random), password(random));
        try {
            cluster.createPrimary(dir);
            if (standby) {
                cluster.createStandby();
            }
            return cluster;
        } catch (IOException | SQLException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void createPrimary(Path dir) throws IOException, SQLException, InterruptedException {
        Path pwFile = dir.resolve("superuser.pw");
        Files.writeString(pwFile, superuserPassword + "\n");
        Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
        try {
            run(List.of(program("initdb"), "-D", primaryDir.toString(), "-U", "postgres", "-E", "UTF-8", "--no-sync",
                    "--auth=scram-sha-256", "--pwfile=" + pwFile), dir.resolve("initdb.log"));
        } finally {
            Files.deleteIfExists(pwFile);
        }
        Files.writeString(primaryDir.resolve("pg_hba.conf"), """
                # the incident suite's cluster: every connection needs a password, loopback only
                host    all          all   127.0.0.1/32  scram-sha-256
                host    replication  all   127.0.0.1/32  scram-sha-256
                """);
        Files.writeString(primaryDir.resolve("postgresql.conf"), """

                # the incident suite (docs/BENCHMARKS.md, "Incident suite")
                listen_addresses = '127.0.0.1'
                unix_socket_directories = ''
                max_connections = 200
                shared_buffers = 64MB
                shared_preload_libraries = 'pg_stat_statements'
                pg_stat_statements.track = 'top'
                track_io_timing = on
                synchronous_commit = off
                wal_level = replica
                max_wal_senders = 4
                max_replication_slots = 4
                hot_standby = on
                max_wal_size = 1GB
                checkpoint_timeout = 30min
                autovacuum_naptime = 5s
                log_min_messages = warning
                timezone = 'UTC'
                """, java.nio.file.StandardOpenOption.APPEND);
        startPrimary();
        try (Connection c = superuser(primaryPort, "postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + MONITOR_ROLE + " LOGIN PASSWORD '" + monitorPassword + "'");
            st.execute("GRANT pg_monitor TO " + MONITOR_ROLE);
            st.execute("CREATE EXTENSION pg_stat_statements");
            st.execute("CREATE DATABASE " + DATABASE);
        }
        try (Connection c = superuser(primaryPort, DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION pg_stat_statements");
        }
    }

    /** A copy of the stopped primary, with standby.signal and the slot: streams as soon as both run. */
    private void createStandby() throws IOException, SQLException, InterruptedException {
        try (Connection c = superuser(primaryPort, "postgres"); Statement st = c.createStatement()) {
            st.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
        }
        pgCtl(primaryDir, "stop", "-m", "fast");
        primaryRunning = false;
        copyTree(primaryDir, standbyDir);
        Files.deleteIfExists(standbyDir.resolve("postmaster.pid"));
        Files.createFile(standbyDir.resolve("standby.signal"));
        Files.writeString(standbyDir.resolve("postgresql.conf"), """

                # the incident suite's standby
                primary_conninfo = 'host=127.0.0.1 port=%d user=postgres password=%s application_name=%s'
                primary_slot_name = '%s'
                """.formatted(primaryPort, superuserPassword, SLOT, SLOT), java.nio.file.StandardOpenOption.APPEND);
        startPrimary();
        pgCtl(standbyDir, "start", "-o", "-p " + standbyPort, "-l", standbyDir.resolve("postgres.log").toString());
        standbyRunning = true;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!streaming()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the standby did not stream within " + WAIT.toSeconds() + " s: see " + standbyDir.resolve("postgres.log"));
            }
            Thread.sleep(200);
        }
    }

    private void startPrimary() throws IOException, InterruptedException {
        pgCtl(primaryDir, "start", "-o", "-p " + primaryPort, "-l", primaryDir.resolve("postgres.log").toString());
        primaryRunning = true;
    }

    /** True once the primary's pg_stat_replication shows the standby streaming. */
    boolean streaming() throws SQLException {
        try (Connection c = superuser(primaryPort, "postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    int primaryPort() {
        return primaryPort;
    }

    boolean hasStandby() {
        return standbyRunning;
    }

    /** The collector's target (the password goes in its password-file). */
    String targetUrl() {
        return "postgresql://" + MONITOR_ROLE + "@127.0.0.1:" + primaryPort + "/" + DATABASE;
    }

    String monitorPassword() {
        return monitorPassword;
    }

    /** The primary as its superuser, on the suite's database. */
    DataSource primary(String applicationName) {
        return dataSource(primaryPort, DATABASE, applicationName);
    }

    /** The standby as its superuser. */
    DataSource standby() {
        return dataSource(standbyPort, "postgres", "pganalytics-incident-suite");
    }

    Connection superuser(int port, String database) throws SQLException {
        return dataSource(port, database, "pganalytics-incident-suite").getConnection();
    }

    private DataSource dataSource(int port, String database, String applicationName) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[]{"127.0.0.1"});
        source.setPortNumbers(new int[]{port});
        source.setDatabaseName(database);
        source.setUser("postgres");
        source.setPassword(superuserPassword);
        source.setApplicationName(applicationName);
        source.setConnectTimeout(10);
        return source;
    }

    private void pgCtl(Path dataDir, String action, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program("pg_ctl"), "-D", dataDir.toString(), "-w", "-t",
                Long.toString(WAIT.toSeconds())));
        command.addAll(List.of(options));
        command.add(action);
        run(command, dataDir.getParent().resolve(dataDir.getFileName() + "-pg_ctl.log"));
    }

    /** Runs a PostgreSQL program; as root inside a user namespace (PostgreSQL refuses root), as the server does. */
    private static void run(List<String> program, Path log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            command.addAll(List.of("/usr/bin/unshare", "-U"));
        }
        command.addAll(program);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        Process process = builder.start();
        if (!process.waitFor(WAIT.toSeconds() + 30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(program.getFirst() + " did not finish in time: see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IOException(Path.of(program.getFirst()).getFileName() + " " + program.getLast() + " failed ("
                    + process.exitValue() + "): " + Files.readString(log).strip());
        }
    }

    private String program(String name) {
        return bin.resolve(name).toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Set<String> skipped = Set.of("postmaster.pid", "postmaster.opts", "postgres.log");
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                if (skipped.contains(source.getFileName().toString())) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String password(SecureRandom random) {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Stops the standby, then the primary (immediate: the suite's data is thrown away). */
    @Override
    public void close() {
        try {
            if (standbyRunning) {
                pgCtl(standbyDir, "stop", "-m", "immediate");
                standbyRunning = false;
            }
            if (primaryRunning) {
                pgCtl(primaryDir, "stop", "-m", "immediate");
                primaryRunning = false;
            }
        } catch (IOException e) {
            // best effort: the postmasters exit with their data directories' removal at worst
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
