package io.pganalytics.tools.simulate;

import io.pganalytics.collector.ship.LatencyHistogram;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one simulation: batches generated and their rows, requests and their outcomes, what is left in
 * the spools, and the client-side send latency (request sent to acknowledgement received): of every acknowledged send,
 * and of the steady state: the sends acknowledged once the first interval is over and every collector's first batch
 * (which carries its settings and query texts, sent while the server's JIT warms up) has been acknowledged; and
 * which batches were acknowledged, as {@code collectorId batchId} (the crash drill looks each up in the database).
 */
public record SimulationResult(int collectors, double elapsedSeconds, long generated, long spoolErrors, long dropped,
                               long attempts, long acknowledged, long duplicates, long retryLater, long failures,
                               long quarantined, long pending, boolean drained, long rows, LatencyHistogram latency,
                               LatencyHistogram steadyLatency, List<String> acknowledgedBatches) {

    /** Every generated batch was acknowledged: nothing failed to spool, dropped, refused or left undelivered. */
    public boolean success() {
        return pending == 0 && spoolErrors == 0 && quarantined == 0 && dropped == 0 && generated > 0;
    }

    public long failedAttempts() {
        return retryLater + failures;
    }

    /** Acknowledged batches over generated ones, in percent. */
    public double successPercent() {
        return generated == 0 ? 0 : 100.0 * Math.min(acknowledged, generated) / generated;
    }

    public double latencyMillis(double quantile) {
        return latency.percentile(quantile).toNanos() / 1e6;
    }

    /** The steady state's latency (after the first interval), or NaN when the run was no longer than one interval. */
    public double steadyLatencyMillis(double quantile) {
        return steadyLatency.count() == 0 ? Double.NaN : steadyLatency.percentile(quantile).toNanos() / 1e6;
    }

    public void print(PrintStream out) {
        out.println("simulate: " + collectors + " collectors, " + String.format(Locale.ROOT, "%.1f", elapsedSeconds) + " s");
        out.printf(Locale.ROOT, "  batches generated    %d (%d rows; spool errors %d, dropped from full spools %d)%n",
                generated, rows, spoolErrors, dropped);
        out.printf(Locale.ROOT, "  requests sent        %d%n", attempts);
        out.printf(Locale.ROOT, "  acknowledged         %d (%.1f batches/s, duplicates %d)%n", acknowledged,
                acknowledged / elapsedSeconds, duplicates);
        out.printf(Locale.ROOT, "  failed attempts      %d (429/503 %d, errors %d), refused %d%n", failedAttempts(),
                retryLater, failures, quarantined);
        out.printf(Locale.ROOT, "  undelivered          %d%s%n", pending, drained ? "" : " (the spools did not drain in time)");
        out.printf(Locale.ROOT, "  send latency ms      p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                latencyMillis(0.50), latencyMillis(0.95), latencyMillis(0.99), latency.max().toNanos() / 1e6);
        out.printf(Locale.ROOT, "  after 1st interval   p50 %.1f  p95 %.1f  p99 %.1f  max %.1f (%d sends)%n",
                steadyLatencyMillis(0.50), steadyLatencyMillis(0.95), steadyLatencyMillis(0.99),
                steadyLatency.count() == 0 ? Double.NaN : steadyLatency.max().toNanos() / 1e6, steadyLatency.count());
    }
}
