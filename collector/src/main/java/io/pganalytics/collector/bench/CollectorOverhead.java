package io.pganalytics.collector.bench;

import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The collector's own cost: one real collector process ({@code run}, this jar) monitoring T targets, each a
 * database of the server's embedded PostgreSQL (pg_stat_statements preloaded) with 50 tables and 20 indexes, read
 * as a PostgreSQL role of its own (pg_monitor) so that its statements can be told apart in pg_stat_statements (the
 * {@code /* pganalytics *}{@code /} tag does the same on versions that keep comments in the stored texts). Measured
 * over a window after a warm-up: the collector's CPU and peak RSS from /proc, and the execution plus planning time
 * and the calls of its statements.
 */
final class CollectorOverhead {
    static final String ROLE = "pga_bench_monitor";
    private static final String ROLE_PASSWORD = "bench-monitor-secret";

    /** One measured configuration. */
    record Figures(int targets, int threads, String intervals, double windowSeconds, double cpuSeconds, long peakRss,
                   double statementMillis, long calls) {
        double cpuPercentOfCore() {
            return 100 * cpuSeconds / windowSeconds;
        }

        double statementMillisPerMinute() {
            return statementMillis / (windowSeconds / 60);
        }

        /** The database time as a share of one core, in percent. */
        double databasePercentOfCore() {
            return 100 * statementMillis / 1000 / windowSeconds;
        }

        double callsPerSecond() {
            return calls / windowSeconds;
        }
    }

    private final ServerDatabase database;
    private final URI server;
    private final HttpClient http;
    private final AdminApi api;
    private final Path workDir;
    private final int postgresPort;
    private final PrintStream out;
    private final String version;
    private final List<String> jvmOptions;

    CollectorOverhead(ServerDatabase database, URI server, HttpClient http, AdminApi api, Path workDir, int postgresPort,
                      PrintStream out, String version, List<String> jvmOptions) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.database = database;
        this.server = server;
        this.http = http;
        this.api = api;
        this.workDir = workDir;
        this.postgresPort = postgresPort;
        this.out = out;
        this.version = version;
    }

    /** The role, the extension and {@code count} databases of 50 tables and 20 indexes each. */
    void prepare(int count) throws SQLException {
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
                    + "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'; END IF; END $$");
            st.execute("GRANT pg_monitor TO " + ROLE);
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            for (int i = 1; i <= count; i++) {
                String name = databaseName(i);
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                    if (rs.next()) {
                        continue;
                    }
                }
                st.execute("CREATE DATABASE " + name);
                try (Connection target = database.connectTo(name); Statement ts = target.createStatement()) {
                    ts.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                    ts.execute("""
                            DO $$ BEGIN FOR i IN 1..50 LOOP
                              EXECUTE format('CREATE TABLE t%s (id bigserial PRIMARY KEY, v int, note text)', i);
                              EXECUTE format('INSERT INTO t%s (v, note) SELECT g, md5(g::text) FROM generate_series(1, 200) g', i);
                              IF i <= 20 THEN EXECUTE format('CREATE INDEX t%s_v ON t%s (v)', i, i); END IF;
                            END LOOP; END $$""");
                    ts.execute("ANALYZE");
                }
            }
        }
    }

    private static String databaseName(int i) {
        return String.format("bench_t%02d", i);
    }

    /**
     * Runs a collector over {@code targets} databases with {@code threads} workers; {@code intervals} overrides
     * every family's interval (null: the catalogue's defaults).
     */
    Figures measure(int targets, int threads, Duration intervals, Duration warmUp, Duration window)
            throws IOException, InterruptedException, SQLException, RegistrationException {
        Path dir = Files.createDirectories(workDir.resolve("collector-" + targets + "x" + threads
                + (intervals == null ? "" : "-" + intervals.toSeconds() + "s")));
        Path identity = dir.resolve("identity.json");
        IdentityFile.write(identity, new RegistrationClient(http, Duration.ofSeconds(30)).register(server,
                new RegistrationRequest(api.registrationToken("overhead " + dir.getFileName()), "overhead-" + dir.getFileName(),
                        "bench overhead", version)));
        Path passwordFile = dir.resolve("monitor.password");
        Files.writeString(passwordFile, ROLE_PASSWORD + "\n");
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, config(targets, threads, intervals, identity, dir.resolve("spool"), passwordFile));
        Path jar = Path.of(URI.create(CollectorOverhead.class.getProtectionDomain().getCodeSource().getLocation().toString()));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("collector.log").toFile()).start();
        try {
            Thread.sleep(warmUp.toMillis());
            if (!process.isAlive()) {
                throw new IOException("the collector exited with " + process.exitValue() + ": see " + dir.resolve("collector.log"));
            }
            double[] before = statementTotals();
            double cpuBefore = ProcessSampler.cpuSeconds(process.pid());
            long start = System.nanoTime();
            long peak = 0;
            long end = start + window.toNanos();
            while (System.nanoTime() < end) {
                peak = Math.max(peak, ProcessSampler.residentBytes(process.pid()));
                Thread.sleep(Math.min(2_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            peak = Math.max(peak, ProcessSampler.residentBytes(process.pid()));
            double cpu = ProcessSampler.cpuSeconds(process.pid()) - cpuBefore;
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] after = statementTotals();
            Figures figures = new Figures(targets, threads, intervals == null ? "defaults" : intervals.toSeconds() + " s",
                    seconds, cpu, peak, after[0] - before[0], (long) (after[1] - before[1]));
            out.printf(Locale.ROOT, "bench: collector %d targets, %d threads, intervals %s: CPU %.2f %% of a core, "
                            + "RSS %d MiB, its statements %.1f ms/min (%.0f calls/s)%n", targets, threads, figures.intervals(),
                    figures.cpuPercentOfCore(), peak >> 20, figures.statementMillisPerMinute(), figures.callsPerSecond());
            return figures;
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Execution + planning milliseconds and calls of the collector role's statements, over every database. */
    private double[] statementTotals() throws SQLException {
        try (Connection c = database.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT coalesce(sum(s.total_exec_time + s.total_plan_time), 0), coalesce(sum(s.calls), 0)
                FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '""" + ROLE + "'")) {
            rs.next();
            return new double[] {rs.getDouble(1), rs.getDouble(2)};
        }
    }

    private String config(int targets, int threads, Duration intervals, Path identity, Path spool, Path passwordFile) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("server:\n  url: ").append(server).append("\n  insecure-skip-verify: true\n");
        yaml.append("identity-file: ").append(identity).append('\n');
        yaml.append("spool:\n  dir: ").append(spool).append('\n');
        yaml.append("threads: ").append(threads).append('\n');
        if (intervals != null) {
            yaml.append("intervals:\n");
            for (String family : List.of("instance", "database", "activity", "wait_events", "statements", "tables",
                    "indexes", "bgwriter", "wal", "io", "locks", "vacuum")) {
                yaml.append("  ").append(family).append(": ").append(intervals.toSeconds()).append("s\n");
            }
        }
        yaml.append("targets:\n");
        for (int i = 1; i <= targets; i++) {
            yaml.append("  - name: ").append(databaseName(i)).append('\n')
                    .append("    url: postgresql://").append(ROLE).append("@127.0.0.1:").append(postgresPort).append('/')
                    .append(databaseName(i)).append('\n')
                    .append("    password-file: ").append(passwordFile).append('\n')
                    .append("    include-databases: [").append(databaseName(i)).append("]\n")
                    .append("    max-databases: 1\n");
        }
        return yaml.toString();
    }

}
