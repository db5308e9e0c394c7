package io.pganalytics.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 cluster from Debian's packages ({@code postgresql-15}: {@code /usr/lib/postgresql/15/bin}),
 * initialised and started by the test in a directory of its own, on a free 127.0.0.1 port, with its socket in that
 * directory. {@code initdb} and {@code pg_ctl} refuse root: as root they run as {@code postgres} through
 * {@code runuser}, and the directories are given to {@code postgres} ({@link #giveToPostgres}). Authentication is
 * {@code trust} on loopback only: a test cluster. Start one per test class.
 */
public final class DebianPostgres implements AutoCloseable {
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final Path socketDir;
    private final int port;
    private final Path log;

    private DebianPostgres(Path dataDir, Path socketDir, int port, Path log) {
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.port = port;
        this.log = log;
    }

    /** Whether Debian's PostgreSQL 15 is installed (.ci/run installs postgresql-15). */
    public static boolean installed() {
        return Files.isExecutable(BIN.resolve("initdb")) && Files.isExecutable(BIN.resolve("pg_ctl"));
    }

    public static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The leading words that run a program as the account owning the cluster's files. */
    public static List<String> asPostgres() {
        return root() ? List.of("runuser", "-u", "postgres", "--") : List.of();
    }

    /** Gives {@code path} and everything under it to {@code postgres} (as root; otherwise they are already ours). */
    public static void giveToPostgres(Path path) {
        if (root()) {
            run(List.of("chown", "-R", "postgres:postgres", path.toString()), Duration.ofSeconds(60));
        }
    }

    /** initdb in {@code dir/pgdata} and start, with {@code settings} appended to postgresql.conf. */
    public static DebianPostgres start(Path dir, Map<String, String> settings) {
        try {
            Path dataDir = dir.resolve("pgdata");
            Path socketDir = Files.createDirectories(dir.resolve("socket"));
            giveToPostgres(dir);
            List<String> initdb = new ArrayList<>(asPostgres());
            initdb.addAll(List.of(BIN.resolve("initdb").toString(), "-D", dataDir.toString(), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8", "--locale=C"));
            run(initdb, Duration.ofSeconds(120));
            StringBuilder conf = new StringBuilder("\n# test settings\nlisten_addresses = '127.0.0.1'\nfsync = off\n");
            settings.forEach((key, value) -> conf.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
            Files.writeString(dataDir.resolve("postgresql.conf"), conf.toString(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            DebianPostgres postgres = new DebianPostgres(dataDir, socketDir, TestServers.freePort(), dir.resolve("postgres.log"));
            postgres.startServer(Map.of());
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts another data directory (a restored copy) on a port of its own, with its socket in {@code socketDir}, and
     * waits until it accepts connections and has left recovery.
     */
    public static DebianPostgres startCopy(Path dataDir, Path socketDir, Path log, Map<String, String> environment) {
        DebianPostgres copy = new DebianPostgres(dataDir, socketDir, TestServers.freePort(), log);
        copy.startServer(environment);
        Eventually.await(START_TIMEOUT, "the copy in " + dataDir + " leaves recovery", () -> {
            try (Connection c = copy.connect("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                return rs.next() && !rs.getBoolean(1);
            } catch (SQLException e) {
                return false;
            }
        });
        return copy;
    }

    /** Starts PostgreSQL with {@code environment} added to its own (what its restore_command inherits). */
    private void startServer(Map<String, String> environment) {
        giveToPostgres(socketDir);
        List<String> start = new ArrayList<>(asPostgres());
        start.addAll(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(), "-w",
                "-t", String.valueOf(START_TIMEOUT.toSeconds()),
                "-o", "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1", "start"));
        try {
            run(start, START_TIMEOUT.plusSeconds(10), environment);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; its log: " + tail(log), e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path socketDir() {
        return socketDir;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    @Override
    public void close() {
        List<String> stop = new ArrayList<>(asPostgres());
        stop.addAll(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
        run(stop, Duration.ofSeconds(60));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Runs a program to its end; its output goes to a temporary file so that a full pipe never blocks it. */
    public static String run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of());
    }

    public static String run(List<String> command, Duration timeout, Map<String, String> environment) {
        try {
            Path out = Files.createTempFile("debian-postgres-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + ": timed out after " + timeout.toSeconds() + " s");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + ": exit code " + process.exitValue() + ": " + text.strip());
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
