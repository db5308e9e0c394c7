package io.pganalytics.tools.bench;

import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * The collector's own cost: one real collector process ({@code run}, the collector jar) monitoring T targets, each a
 * database of the server's embedded PostgreSQL (pg_stat_statements preloaded) with 50 tables and 20 indexes, read
 * as a PostgreSQL role of its own (pg_monitor) so that its statements can be told apart in pg_stat_statements (the
 * {@code /* pganalytics *}{@code /} tag does the same on versions that keep comments in the stored texts). Measured
 * over a window after a warm-up: the collector's CPU and peak RSS from /proc, and the execution plus planning time
 * and the calls of its statements.
 */
final class CollectorOverhead {
    static final String ROLE = "pga_bench_monitor";
    private static final String ROLE_PASSWORD = "bench-monitor-secret";
    /** The target databases as a LIKE pattern. */
    private static final String TARGET_DATABASES = "bench\\_t%";

    /** Per direction and proxied connection: enough for a burst of statement results in flight. */
    private static final int PROXY_BUFFER_BYTES = 1024 * 1024;

    /**
     * One measured configuration.
     *
     * @param heapAfterGc     the collector's heap in use right after a full GC at the end of the window (-1: unknown)
     * @param busySessions    mean number of the collector's sessions inside a transaction (collections in progress)
     * @param openedSessions  sessions opened to the target databases during the window (-1: unknown)
     * @param proxyCpuSeconds the bench JVM's CPU over the window, mostly the latency proxy's when there is one
     * @param selectOneMillis the median time of {@code SELECT 1} on a target as the collector reaches it (through the
     *                        proxy when there is one): the round trip a statement really waits
     */
    record Figures(int targets, int threads, String intervals, Duration rtt, double selectOneMillis, double windowSeconds,
                   double cpuSeconds, long peakRss, long heapAfterGc, double statementMillis, long calls,
                   double busySessions, long openedSessions, double proxyCpuSeconds) {
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
    private final CollectorJvm jvm;
    private final Duration targetRtt;

    /**
     * @param targetRtt the round trip between the collector and its targets: 0 connects straight to PostgreSQL,
     *                  more puts a {@link LatencyProxy} in front of each target
     */
    CollectorOverhead(ServerDatabase database, URI server, HttpClient http, AdminApi api, Path workDir, int postgresPort,
                      PrintStream out, String version, CollectorJvm jvm, Duration targetRtt) {
        this.jvm = jvm;
        this.targetRtt = targetRtt;
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
                + (intervals == null ? "" : "-" + intervals.toSeconds() + "s")
                + (targetRtt.isZero() ? "" : "-rtt" + targetRtt.toMillis() + "ms")));
        List<LatencyProxy> proxies = new ArrayList<>();
        Process process = null;
        try {
            List<Integer> ports = targetPorts(targets, proxies);
            double selectOne = MonitoredStatistics.selectOneMillis(ports.getFirst(), databaseName(1), ROLE, ROLE_PASSWORD);
            Path config = writeConfig(dir, targets, threads, intervals, ports);
            process = jvm.start(config, dir.resolve("collector.log"), targets);
            Thread.sleep(warmUp.toMillis());
            if (!process.isAlive()) {
                throw new IOException("the collector exited with " + process.exitValue() + ": see " + dir.resolve("collector.log"));
            }
            Figures figures = window(process, targets, threads, intervals, window, selectOne);
            print(figures);
            return figures;
        } finally {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            proxies.forEach(LatencyProxy::close);
        }
    }

    /** The port of each target: PostgreSQL's, or a latency proxy's in front of it (added to {@code proxies}). */
    private List<Integer> targetPorts(int targets, List<LatencyProxy> proxies) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            if (targetRtt.isZero()) {
                ports.add(postgresPort);
            } else {
                proxies.add(LatencyProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), postgresPort),
                        targetRtt.dividedBy(2), PROXY_BUFFER_BYTES));
                ports.add(proxies.getLast().port());
            }
        }
        return ports;
    }

    private void print(Figures f) {
        out.printf(Locale.ROOT, "bench: collector %d targets, %d threads, intervals %s, RTT %d ms (SELECT 1: %.2f ms): "
                        + "CPU %.2f %% of a core, RSS %d MiB, heap after GC %s, its statements %.1f ms/min (%.0f calls/s), "
                        + "%.1f collections at once, %d sessions opened%n", f.targets(), f.threads(), f.intervals(),
                f.rtt().toMillis(), f.selectOneMillis(), f.cpuPercentOfCore(), f.peakRss() >> 20,
                BenchReport.mebibytes(f.heapAfterGc()), f.statementMillisPerMinute(), f.callsPerSecond(),
                f.busySessions(), f.openedSessions());
    }

    /** Samples the running collector over the window; ends with a full GC of it to read its live heap. */
    private Figures window(Process process, int targets, int threads, Duration intervals, Duration window,
                           double selectOneMillis) throws SQLException, InterruptedException {
        long benchPid = ProcessHandle.current().pid();
        try (Connection sampler = database.connect()) {
            double[] before = MonitoredStatistics.statementTotals(sampler, ROLE);
            long sessionsBefore = MonitoredStatistics.sessionsOpened(sampler, TARGET_DATABASES);
            double cpuBefore = ProcessSampler.cpuSeconds(process.pid());
            double benchCpuBefore = ProcessSampler.cpuSeconds(benchPid);
            long start = System.nanoTime();
            long end = start + window.toNanos();
            long peak = 0;
            long busy = 0;
            int samples = 0;
            long nextRss = 0;
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextRss) {
                    peak = Math.max(peak, ProcessSampler.residentBytes(process.pid()));
                    nextRss = System.nanoTime() + 2_000_000_000L;
                }
                busy += MonitoredStatistics.busySessions(sampler, ROLE);
                samples++;
                Thread.sleep(Math.min(250, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            peak = Math.max(peak, ProcessSampler.residentBytes(process.pid()));
            double cpu = ProcessSampler.cpuSeconds(process.pid()) - cpuBefore;
            double benchCpu = ProcessSampler.cpuSeconds(benchPid) - benchCpuBefore;
            double seconds = (System.nanoTime() - start) / 1e9;
            double[] after = MonitoredStatistics.statementTotals(sampler, ROLE);
            long sessionsAfter = MonitoredStatistics.sessionsOpened(sampler, TARGET_DATABASES);
            return new Figures(targets, threads, intervals == null ? "defaults" : intervals.toSeconds() + " s", targetRtt,
                    selectOneMillis, seconds, cpu, peak, jvm.heapAfterGc(process.pid()), after[0] - before[0],
                    (long) (after[1] - before[1]), samples == 0 ? 0 : (double) busy / samples,
                    sessionsBefore < 0 || sessionsAfter < 0 ? -1 : sessionsAfter - sessionsBefore, benchCpu);
        }
    }

    private Path writeConfig(Path dir, int targets, int threads, Duration intervals, List<Integer> ports)
            throws IOException, RegistrationException, InterruptedException {
        Path identity = dir.resolve("identity.json");
        IdentityFile.write(identity, new RegistrationClient(http, Duration.ofSeconds(30)).register(server,
                new RegistrationRequest(api.registrationToken("overhead " + dir.getFileName()), "overhead-" + dir.getFileName(),
                        "bench overhead", version)));
        Path passwordFile = dir.resolve("monitor.password");
        Files.writeString(passwordFile, ROLE_PASSWORD + "\n");
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, config(targets, threads, intervals, identity, dir.resolve("spool"), passwordFile, ports));
        return config;
    }

    private String config(int targets, int threads, Duration intervals, Path identity, Path spool, Path passwordFile,
                          List<Integer> ports) {
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
                    .append("    url: postgresql://").append(ROLE).append("@127.0.0.1:").append(ports.get(i - 1)).append('/')
                    .append(databaseName(i)).append('\n')
                    .append("    password-file: ").append(passwordFile).append('\n')
                    .append("    include-databases: [").append(databaseName(i)).append("]\n")
                    .append("    max-databases: 1\n");
        }
        return yaml.toString();
    }

}
