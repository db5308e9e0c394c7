package io.pganalytics.server.anomaly.hints;

import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.server.anomaly.HintFinder.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The weight of a hint (docs/ANOMALIES.md, "Root-cause hints"):
 * {@code weight = relevance(type, series) x (0.4 x timing(at) + 0.6 x magnitude)}, each factor in 0..1.
 * <ul>
 *   <li>timing: from the window's start to the anomaly's start, 0.6 rising to 1 the earlier it began (a cause comes
 *       first); just before the window 0.8; after the anomaly's start 0.5 falling to 0 at the window's end; unknown 0.3;</li>
 *   <li>magnitude: each source's own measure (see the sources);</li>
 *   <li>relevance: how directly that kind of cause explains that series: locks for lock waits, statements for latency,
 *       vacuum for autovacuum and I/O series; the anomalous statement itself weighs at least 0.9.</li>
 * </ul>
 */
final class Ranking {
    static final double UNKNOWN_TIMING = 0.3;
    private static final Set<String> STATEMENT_SERIES = Set.of("statement_latency_ms", "statement_calls", "tps", "commits",
            "active_connections", "host_cpu_busy_ratio", "host_load1", "temp_bytes", "wal_bytes", "cache_hit_ratio",
            "wait_backends:IO", "wait_backends:LWLock", "wait_backends:CPU");
    private static final Set<String> LOCK_SERIES = Set.of("lock_waiting_connections", "wait_backends:Lock",
            "longest_transaction_seconds", "idle_in_transaction", "deadlocks", "active_connections", "connections",
            "statement_latency_ms", "rollbacks");
    private static final Set<String> VACUUM_IO_SERIES = Set.of("wal_bytes", "host_disk_bytes", "wait_backends:IO",
            "host_cpu_iowait_ratio", "cache_hit_ratio", "checkpoints", "checkpoints_requested", "wait_backends:LWLock");

    private Ranking() {
    }

    static double weight(Found found, Context context) {
        double computed = relevance(found.type(), context.series())
                * (0.4 * timing(found.at(), context) + 0.6 * found.magnitude());
        return round(Math.max(computed, found.extra()));
    }

    /** Earlier than the anomaly's start ranks higher; after it, less the later; just before the window, a little less. */
    static double timing(Instant at, Context context) {
        if (at == null) {
            return UNKNOWN_TIMING;
        }
        if (at.isBefore(context.from())) {
            return 0.8;
        }
        if (!at.isAfter(context.startedAt())) {
            return 0.6 + 0.4 * fraction(Duration.between(at, context.startedAt()), Duration.between(context.from(), context.startedAt()));
        }
        return 0.5 * (1 - fraction(Duration.between(context.startedAt(), at), Duration.between(context.startedAt(), context.to())));
    }

    static double relevance(String type, String series) {
        String base = base(series);
        return switch (type) {
            case AnomalyHint.METRIC -> 0.8;
            case AnomalyHint.STATEMENT -> STATEMENT_SERIES.contains(base) || STATEMENT_SERIES.contains(series) ? 1.0 : 0.7;
            case AnomalyHint.NEW_STATEMENT -> STATEMENT_SERIES.contains(base) || STATEMENT_SERIES.contains(series) ? 0.9 : 0.6;
            case AnomalyHint.LOCK -> LOCK_SERIES.contains(series) || LOCK_SERIES.contains(base) ? 1.0 : 0.6;
            case AnomalyHint.AUTOVACUUM -> series.equals("autovacuum_workers") ? 1.0 : VACUUM_IO_SERIES.contains(series) ? 0.85 : 0.5;
            case AnomalyHint.SETTING -> 0.7;
            default -> 0.5;
        };
    }

    /** The queryid of a keyed statement series ({@code statement_latency_ms:42}), or null. */
    static Long statementOf(String series) {
        String prefix = "statement_latency_ms:";
        if (!series.startsWith(prefix)) {
            return null;
        }
        try {
            return Long.parseLong(series.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static double clamp(double value) {
        return Double.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
    }

    private static String base(String series) {
        int colon = series.indexOf(':');
        return colon < 0 ? series : series.substring(0, colon);
    }

    private static double fraction(Duration part, Duration whole) {
        return whole.isZero() || whole.isNegative() ? 1 : clamp((double) part.toMillis() / whole.toMillis());
    }

    private static double round(double weight) {
        return Math.round(clamp(weight) * 1000) / 1000.0;
    }
}
