package io.pganalytics.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one PostgreSQL the failover bench's three server nodes share: an external cluster (not a node's embedded one, so
 * that killing a node leaves the database up), from Debian's {@code postgresql-15} binaries by default, initialised
 * and started in a directory of its own on a free 127.0.0.1 port with its socket there. {@code initdb} and
 * {@code pg_ctl} refuse root: as root they run as {@code postgres} through {@code runuser}. {@code trust} on loopback
 * only (a bench cluster); the servers connect as the role {@code pganalytics}, owner of the database
 * {@code pganalytics}. fsync stays on: the bench counts acknowledged batches across a database restart.
 */
final class FailoverDatabase implements AutoCloseable {
    static final Path DEBIAN_BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String DATABASE = "pganalytics";
    static final String ROLE = "pganalytics";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final Path bin;
    private final Path dataDir;
    private final Path socketDir;
    private final Path log;
    private final int port;
    private boolean running;

    private FailoverDatabase(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dataDir = dir.resolve("pgdata");
        this.socketDir = dir.resolve("socket");
        this.log = dir.resolve("postgres.log");
        this.port = port;
    }

    static FailoverDatabase start(Path bin, Path dir) throws IOException, InterruptedException, SQLException {
        if (!Files.isExecutable(bin.resolve("initdb")) || !Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new IOException("no initdb and pg_ctl in " + bin + ": install Debian's postgresql-15 or pass --postgres-bin");
        }
        FailoverDatabase database = new FailoverDatabase(bin, dir, ServerProcess.freePort());
        Files.createDirectories(database.socketDir);
        giveToPostgres(dir);
        List<String> initdb = asPostgres();
        initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", database.dataDir.toString(), "-A", "trust",
                "-U", "postgres", "-E", "UTF8", "--locale=C"));
        run(initdb, TIMEOUT);
        Files.writeString(database.dataDir.resolve("postgresql.conf"), """

                # failover bench
                listen_addresses = '127.0.0.1'
                max_connections = 200
                """, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        database.startServer();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl("postgres"), "postgres", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + ROLE + " LOGIN");
            st.execute("CREATE DATABASE " + DATABASE + " OWNER " + ROLE);
        }
        return database;
    }

    /** pg_ctl start; returns once PostgreSQL accepts connections. */
    void startServer() throws IOException, InterruptedException {
        List<String> start = asPostgres();
        start.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(), "-w",
                "-t", String.valueOf(TIMEOUT.toSeconds()),
                "-o", "-p " + port + " -k " + socketDir, "start"));
        run(start, TIMEOUT.plusSeconds(10));
        running = true;
    }

    /** pg_ctl stop -m fast: every connection is cut, PostgreSQL shuts down cleanly. */
    void stopServer() throws IOException, InterruptedException {
        List<String> stop = asPostgres();
        stop.addAll(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
        run(stop, TIMEOUT);
        running = false;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection to the servers' database as the superuser. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(DATABASE), "postgres", "");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (running) {
            stopServer();
        }
    }

    private static List<String> asPostgres() {
        List<String> words = new ArrayList<>();
        if (root()) {
            words.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        return words;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void giveToPostgres(Path path) throws IOException, InterruptedException {
        if (root()) {
            run(List.of("chown", "-R", "postgres:postgres", path.toString()), TIMEOUT);
        }
    }

    /** Runs a program to its end, its output in a temporary file (a full pipe never blocks it); throws unless it exits 0. */
    static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path output = Files.createTempFile("pganalytics-failover-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no end within " + timeout.toSeconds() + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": exit status " + process.exitValue() + ": " + text.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
