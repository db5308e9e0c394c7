package io.pganalytics.server.alerting;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cost of evaluating rules: a node with {@code rules} rules over {@code instances} instances (the default pack over
 * every instance, the rest scoped to teams of instances; the fleet of {@link AlertBenchData}) runs full evaluation rounds
 * (every rule on every instance of its scope, each signal read once, alerts written) and prints, per round, the wall
 * time, the CPU seconds of the evaluating thread and of PostgreSQL's processes, and what that costs in cores at one
 * round every 60 s. In the suite it is a smoke of 200 instances and 400 rules; the documented figure
 * (docs/BENCHMARKS.md, "Alert evaluation") is for 10,000 rules over 5,000 instances:
 * <pre>
 * ./mvnw -B -o -pl server -am test -Dtest=AlertEvaluationBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dalerting.bench.instances=5000 -Dalerting.bench.rules=10000 [-Dalerting.bench.rounds=4] \
 *     [-Dalerting.bench.groups=50] [-Dalerting.bench.statements=10]
 * </pre>
 * The first round (rules compiled, JIT warming up, the troubled instances' alerts written) is printed but not counted in
 * the mean. Only figures are printed: the test fails when no alert fired, never on a time.
 */
class AlertEvaluationBenchmarkTest {
    private static final double INTERVAL_SECONDS = 60;

    @Test
    @Timeout(value = 2, unit = TimeUnit.HOURS) // the fleet of 5,000 instances takes minutes to write on a loaded machine
    void fullRoundsOverTheFleetAreTimedAndTheirCpuPrinted() throws Exception {
        int instances = Integer.getInteger("alerting.bench.instances", 200);
        int rules = Integer.getInteger("alerting.bench.rules", 400);
        int rounds = Math.max(2, Integer.getInteger("alerting.bench.rounds", 3));
        int groups = Integer.getInteger("alerting.bench.groups", 50);
        int statements = Integer.getInteger("alerting.bench.statements", 10);
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("alert_bench"), TestServers.newClusterName(),
                Map.of("alerting.enabled", "false", "alerting.max-rules", Integer.toString(Math.max(rules + 100, 10_000)),
                        "anomaly.enabled", "false", "maintenance.enabled", "false"))) {
            DataSource db = server.database().dataSource();
            Sql.execute(db, "DELETE FROM alert_rule"); // the default pack installed at start: the benchmark brings its own
            AlertBenchData data = new AlertBenchData(db, instances, groups, statements, Instant.now(), Duration.ofMinutes(30));
            long loadStart = System.nanoTime();
            long rows = data.writeFleet();
            data.writeRules(rules);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            long pairs = pairs(db);
            long postmaster = postmaster(db);
            String database = Sql.rows(db, "SELECT current_database()").get(0).get(0);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            AlertingFeature alerting = server.alerting();
            List<double[]> measured = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long pgBefore = postgresTicks(postmaster, database);
                long cpuBefore = threads.getCurrentThreadCpuTime();
                long wallBefore = System.nanoTime();
                alerting.evaluateNow(null);
                double wall = (System.nanoTime() - wallBefore) / 1e9;
                double cpu = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
                double pg = (postgresTicks(postmaster, database) - pgBefore) / 100.0;
                LoggerFactory.getLogger(AlertEvaluationBenchmarkTest.class).info(
                        "ALERT-BENCH round {}{}: wall {} s, evaluator thread CPU {} s, PostgreSQL CPU {} s", round,
                        round == 1 ? " (warm-up)" : "", f(wall), f(cpu), f(pg));
                if (round > 1) {
                    measured.add(new double[] {wall, cpu, pg});
                }
            }
            double wall = measured.stream().mapToDouble(m -> m[0]).average().orElseThrow();
            double cpu = measured.stream().mapToDouble(m -> m[1]).average().orElseThrow();
            double pg = measured.stream().mapToDouble(m -> m[2]).average().orElseThrow();
            List<List<String>> alerts = Sql.rows(db, "SELECT state, count(*) FROM alert GROUP BY state ORDER BY state");
            LoggerFactory.getLogger(AlertEvaluationBenchmarkTest.class).info(
                    "ALERT-BENCH alert evaluation benchmark: {} rules over {} instances ({} rule-instance pairs; fleet of {} rows and "
                            + "the rules written in {} s); mean of {} full rounds: wall {} s, evaluator CPU {} s + PostgreSQL CPU {} s "
                            + "= {} cores at one round every {} s; alerts {}",
                    rules, instances, pairs, rows, f(loadSeconds), measured.size(), f(wall), f(cpu), f(pg),
                    String.format(Locale.ROOT, "%.3f", (cpu + pg) / INTERVAL_SECONDS), (int) INTERVAL_SECONDS, alerts);
            assertTrue(alerts.stream().anyMatch(r -> r.get(0).equals("firing")), "the troubled instances fire: " + alerts);
        }
    }

    /** The (rule, instance) pairs a full round evaluates. */
    private static long pairs(DataSource db) throws Exception {
        return Long.parseLong(Sql.rows(db, """
                SELECT sum(CASE WHEN r.scope -> 'labels' = '{}'::jsonb THEN (SELECT count(*) FROM monitored_instance)
                                ELSE (SELECT count(*) FROM instance_label l WHERE l.key = 'team' AND l.value = r.scope -> 'labels' ->> 'team')
                           END)
                FROM alert_rule r""").get(0).get(0));
    }

    /** The postmaster's pid: the parent of a backend. */
    private static long postmaster(DataSource db) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long backend = rs.getLong(1);
            c.rollback();
            return stat(Path.of("/proc", Long.toString(backend), "stat"))[0];
        }
    }

    /**
     * CPU clock ticks (1/100 s) used so far by the backends serving {@code database} (children of the postmaster whose
     * title names it): the rounds' queries and writes, not autovacuum or another test's database.
     */
    private static long postgresTicks(long postmaster, String database) throws IOException {
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path p : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long[] stat = stat(p.resolve("stat"));
                if (stat != null && stat[0] == postmaster && title(p).contains(" " + database + " ")) {
                    ticks += stat[1] + stat[2];
                }
            }
        }
        return ticks;
    }

    private static String title(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** {ppid, utime, stime} of /proc/<pid>/stat, or null when the process is gone. */
    private static long[] stat(Path file) {
        try {
            String text = Files.readString(file);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String f(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }
}
