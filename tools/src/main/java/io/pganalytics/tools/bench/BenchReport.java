package io.pganalytics.tools.bench;

import io.pganalytics.collector.ship.LatencyHistogram;
import io.pganalytics.tools.simulate.SimulationResult;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects each phase's figures and prints them as Markdown tables at the end (pasted into docs/BENCHMARKS.md). */
final class BenchReport {
    private final BenchCommand.Settings settings;
    private final PrintStream out;
    private final List<String> lines = new ArrayList<>();
    private double endToEndRowsPerSecond;
    /** The headline figures, for {@link #printSideBySide}. */
    private final Map<String, String> summary = new java.util.LinkedHashMap<>();

    BenchReport(BenchCommand.Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    void ingest(SimulationResult r, ResourceWatch.Figures f, ServerHistogram server, long tuplesInserted, long bytesAdded,
                long bytesTotal) {
        r.print(out);
        double seconds = r.elapsedSeconds();
        endToEndRowsPerSecond = r.rows() / seconds;
        double instanceDays = r.collectors() * settings.duration().toSeconds() / 86_400.0;
        lines.add(String.format(Locale.ROOT, "### Ingest: %d collectors, one batch each every %d s, for %d s (+ drain)",
                r.collectors(), settings.interval().toSeconds(), settings.duration().toSeconds()));
        lines.add("| figure | value |");
        lines.add("|---|---|");
        row("batches generated / acknowledged", "%d / %d (%.2f %% success; duplicates %d)", r.generated(), r.acknowledged(),
                r.successPercent(), r.duplicates());
        row("failed attempts (429/503, errors) / refused / undelivered", "%d (%d, %d) / %d / %d", r.failedAttempts(),
                r.retryLater(), r.failures(), r.quarantined(), r.pending());
        row("batches/s, rows/s (acknowledged, over generation + drain)", "%.1f, %.0f", r.acknowledged() / seconds,
                r.rows() / seconds);
        row("send latency p50 / p95 / p99 / max (client side)", "%.1f / %.1f / %.1f / %.1f ms", r.latencyMillis(0.50),
                r.latencyMillis(0.95), r.latencyMillis(0.99), r.latency().max().toNanos() / 1e6);
        row("send latency after the first interval p50 / p95 / p99 / max (client side)", "%.1f / %.1f / %.1f / %.1f ms (%d sends)",
                r.steadyLatencyMillis(0.50), r.steadyLatencyMillis(0.95), r.steadyLatencyMillis(0.99),
                r.steadyLatency().count() == 0 ? Double.NaN : r.steadyLatency().max().toNanos() / 1e6, r.steadyLatency().count());
        row("ingest latency at the server p50 / p95 / p99 (arrival to acknowledgement, every request; its histogram)",
                "%.0f / %.0f / %.0f ms; %.2f %% within 250 ms (%d requests)", server.quantileMillis(0.50),
                server.quantileMillis(0.95), server.quantileMillis(0.99), server.percentAtMost(0.25), server.count());
        row("server CPU (mean over the run) / peak RSS", "%.2f cores / %d MiB", f.serverCores(), f.serverPeakRss() >> 20);
        summary.put("ingest: batches acknowledged / success", String.format(Locale.ROOT, "%d / %.2f %%", r.acknowledged(), r.successPercent()));
        summary.put("ingest: rows/s", String.format(Locale.ROOT, "%.0f", r.rows() / seconds));
        summary.put("ingest: send latency p50 / p99, all (the first interval carries the texts)",
                String.format(Locale.ROOT, "%.1f / %.1f ms", r.latencyMillis(0.50), r.latencyMillis(0.99)));
        summary.put("ingest: at the server p50 / p99", String.format(Locale.ROOT, "%.0f / %.0f ms", server.quantileMillis(0.50),
                server.quantileMillis(0.99)));
        summary.put("ingest: server CPU / peak RSS", String.format(Locale.ROOT, "%.2f cores / %d MiB", f.serverCores(), f.serverPeakRss() >> 20));
        if (f.postgresMeasured()) {
            row("PostgreSQL CPU / peak PSS (postmaster + backends)", "%.2f cores / %d MiB", f.postgresCores(),
                    f.postgresPeakPss() >> 20);
        } else {
            row("PostgreSQL CPU / memory", "not measured (--database-url: not a child of the server)");
        }
        row("load generator (the bench JVM: simulated collectors) CPU", "%.2f cores", f.loadGeneratorCores());
        row("machine load average (1 min) at the end", "%.2f on %d cores", f.machineLoad(), Runtime.getRuntime().availableProcessors());
        row("PostgreSQL rows/s (pg_stat_database.tup_inserted)", "%.0f", tuplesInserted / f.seconds());
        row("storage added / per instance-day (ts.*, raw + rollups, indexes)", "%.1f MiB / %.1f MiB",
                bytesAdded / 1048576.0, bytesAdded / 1048576.0 / instanceDays);
        row("ts.* total after the run", "%.1f MiB", bytesTotal / 1048576.0);
    }

    void raw(RawCopy.Result raw) {
        lines.add("");
        lines.add("### The physical limit: the same kind of rows COPY'd by one JDBC loop, one transaction per batch");
        lines.add("| figure | value |");
        lines.add("|---|---|");
        row("batches / rows / seconds (COPY + commit only)", "%d / %d / %.1f", raw.batches(), raw.rows(), raw.seconds());
        row("raw rows/s", "%.0f", raw.rowsPerSecond());
        row("end-to-end rows/s ÷ raw rows/s", "%.3f (end-to-end is the offered load unless the server fell behind)",
                endToEndRowsPerSecond / raw.rowsPerSecond());
    }

    void dashboard(DashboardBench.History history, DashboardBench.Latencies latencies) {
        lines.add("");
        lines.add(String.format(Locale.ROOT, "### Dashboard: %d instances, %d days of history (%d rows at a %d-minute step, written in %.0f s), %d requests per route",
                history.instances(), history.days(), history.rows(), history.step().toMinutes(), history.seconds(), settings.rounds()));
        lines.add("| route | cold p50 | cold p99 | cached p50 | cached p99 |");
        lines.add("|---|---|---|---|---|");
        for (Map.Entry<String, LatencyHistogram> e : latencies.cold().entrySet()) {
            LatencyHistogram cached = latencies.cached().get(e.getKey());
            lines.add(String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |", e.getKey(),
                    ms(e.getValue(), 0.5), ms(e.getValue(), 0.99), ms(cached, 0.5), ms(cached, 0.99)));
            // every route side by side (the audit comparison looks at each route's p99)
            summary.put("query API: " + e.getKey() + " cold p50 / p99, cached p50 / p99", String.format(Locale.ROOT,
                    "%.1f / %.1f ms, %.1f / %.1f ms", ms(e.getValue(), 0.5), ms(e.getValue(), 0.99), ms(cached, 0.5), ms(cached, 0.99)));
            if (e.getKey().startsWith("top queries")) {
                summary.put("query API: " + e.getKey() + " (with texts) cold p50 / p99, cached p50", String.format(Locale.ROOT,
                        "%.1f / %.1f ms, %.1f ms", ms(e.getValue(), 0.5), ms(e.getValue(), 0.99), ms(cached, 0.5)));
            }
        }
    }

    void overhead(List<CollectorOverhead.Figures> figures) {
        lines.add("");
        lines.add("### Collector overhead: one collector process, targets = databases of the embedded PostgreSQL (50 tables, 20 indexes each)");
        lines.add("| targets | threads | intervals | target RTT (SELECT 1 median) | window | collector CPU (% of one core) | peak RSS | heap after GC "
                + "| its statements on the DB (ms per minute) | DB share of one core | statement calls/s "
                + "| collections at once (mean) | sessions opened in the window | bench JVM CPU (proxy) |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (CollectorOverhead.Figures f : figures) {
            lines.add(String.format(Locale.ROOT, "| %d | %d | %s | %d ms (%.2f ms) | %.0f s | %.2f %% | %d MiB | %s | %.1f | %.3f %% | %.1f "
                            + "| %.1f | %s | %.1f %% |", f.targets(), f.threads(), f.intervals(), f.rtt().toMillis(), f.selectOneMillis(),
                    f.windowSeconds(), f.cpuPercentOfCore(), f.peakRss() >> 20, mebibytes(f.heapAfterGc()),
                    f.statementMillisPerMinute(), f.databasePercentOfCore(), f.callsPerSecond(), f.busySessions(),
                    f.openedSessions() < 0 ? "n/a" : String.valueOf(f.openedSessions()),
                    100 * f.proxyCpuSeconds() / f.windowSeconds()));
        }
        List<CollectorOverhead.Figures> saturated = figures.stream().filter(f -> !"defaults".equals(f.intervals())).toList();
        if (saturated.size() >= 2) {
            CollectorOverhead.Figures first = saturated.getFirst();
            CollectorOverhead.Figures last = saturated.getLast();
            lines.add("");
            lines.add(String.format(Locale.ROOT, "Throughput at saturation, %d threads ÷ %d: %.1f ÷ %.1f statement calls/s = **%.2f ×**",
                    last.threads(), first.threads(), last.callsPerSecond(), first.callsPerSecond(),
                    last.callsPerSecond() / first.callsPerSecond()));
        }
    }

    /** "12 MiB", or "n/a" for a negative (unknown) size. */
    static String mebibytes(long bytes) {
        return bytes < 0 ? "n/a" : (bytes >> 20) + " MiB";
    }

    private static double ms(LatencyHistogram h, double q) {
        return h == null ? Double.NaN : h.percentile(q).toNanos() / 1e6;
    }

    private void row(String figure, String format, Object... args) {
        lines.add("| " + figure + " | " + String.format(Locale.ROOT, format, args) + " |");
    }

    /** The headline figures of runs that differ in one setting, as one table with a column per run. */
    static void printSideBySide(PrintStream out, String setting, List<String> values, List<BenchReport> reports) {
        out.println();
        out.println("### " + setting + ": " + String.join(" vs ", values));
        StringBuilder head = new StringBuilder("| figure |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String value : values) {
            head.append(' ').append(setting).append(' ').append(value).append(" |");
            rule.append("---|");
        }
        out.println(head);
        out.println(rule);
        for (String figure : reports.getFirst().summary.keySet()) {
            StringBuilder line = new StringBuilder("| " + figure + " |");
            for (BenchReport report : reports) {
                line.append(' ').append(report.summary.getOrDefault(figure, "n/a")).append(" |");
            }
            out.println(line);
        }
    }

    void print() {
        out.println();
        lines.forEach(out::println);
    }
}
