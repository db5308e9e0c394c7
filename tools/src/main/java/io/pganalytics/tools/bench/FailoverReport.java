package io.pganalytics.tools.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The failover bench's table: per balancer and fault, the client requests that failed (of those started in the fault's
 * window), the failover time (from the fault to the end of the first run of failed requests: how long until requests
 * succeed again; 0 when none failed), the acknowledged batches of the window not in the database, the duplicates
 * stored, the live streams that dropped and the longest time until one got its next event, and for the database
 * outage the recovery: from the database accepting connections again to the end of the first request started after
 * that which succeeded (what the nodes and the balancer own of that outage).
 */
final class FailoverReport {
    /** The target the issue sets for failover behind HAProxy; printed beside each time, never a failure of the run. */
    static final double FAILOVER_TARGET_SECONDS = 2.0;

    /**
     * One row.
     *
     * @param failoverSeconds  0 when no request failed
     * @param reconnectSeconds the longest drop-to-next-event of the streams that dropped; NaN when none dropped,
     *                         infinite when one never came back
     * @param recoverySeconds  from the database's return to the first success after it; NaN for the other faults,
     *                         infinite when no request started after the return succeeded
     */
    record Row(String balancer, String fault, long requests, long failedRequests, double failoverSeconds,
               long acknowledged, long lost, long duplicates, int streamDrops, double reconnectSeconds, String note,
               double recoverySeconds) {

        boolean dataSafe() {
            return lost == 0 && duplicates == 0;
        }
    }

    private FailoverReport() {
    }

    /**
     * The row of one fault from what the clients saw in its window {@code [fromNanos, toNanos)} (request starts and
     * stream drops are placed in the window they happened in).
     */
    static Row row(String balancer, String fault, long fromNanos, long toNanos, List<FailoverClients.Request> requests,
                   List<FailoverClients.Reconnect> reconnects, long acknowledged, long lost, long duplicates, String note) {
        return row(balancer, fault, fromNanos, toNanos, requests, reconnects, acknowledged, lost, duplicates, note, 0);
    }

    /**
     * As above, for a fault that ends with a return (the database accepting connections again at {@code returnedNanos};
     * 0: none): the row also has the time from the return to the end of the first successful request started after it.
     */
    static Row row(String balancer, String fault, long fromNanos, long toNanos, List<FailoverClients.Request> requests,
                   List<FailoverClients.Reconnect> reconnects, long acknowledged, long lost, long duplicates, String note,
                   long returnedNanos) {
        List<FailoverClients.Request> window = requests.stream()
                .filter(r -> r.startNanos() >= fromNanos && r.startNanos() < toNanos)
                .sorted(java.util.Comparator.comparingLong(FailoverClients.Request::startNanos)).toList();
        long total = window.size();
        long failed = window.stream().filter(r -> !r.ok()).count();
        // the failover: from the fault to the end of the first run of failures (requests in start order until one
        // succeeds); failures after that (a node rejoining, say) are counted, and named in the note, not timed
        long burstEnd = fromNanos;
        boolean inBurst = false;
        for (FailoverClients.Request request : window) {
            if (!request.ok()) {
                inBurst = true;
                burstEnd = Math.max(burstEnd, request.endNanos());
            } else if (inBurst) {
                break;
            }
        }
        java.util.Map<String, Long> reasons = new java.util.TreeMap<>();
        window.stream().filter(r -> !r.ok()).forEach(r -> reasons.merge(
                String.format(Locale.ROOT, "%s at +%.1f s", r.failure(), (r.startNanos() - fromNanos) / 1e9), 1L, Long::sum));
        if (failed > 0) {
            String failures = "failed: " + String.join(", ", reasons.entrySet().stream().limit(8)
                    .map(e -> e.getKey() + (e.getValue() > 1 ? " (x" + e.getValue() + ")" : "")).toList())
                    + (reasons.size() > 8 ? ", ..." : "");
            note = note == null ? failures : note + "; " + failures;
        }
        int drops = 0;
        double reconnect = Double.NaN;
        for (FailoverClients.Reconnect r : reconnects) {
            if (r.droppedNanos() < fromNanos || r.droppedNanos() >= toNanos) {
                continue;
            }
            drops++;
            double seconds = r.backNanos() == 0 ? Double.POSITIVE_INFINITY : (r.backNanos() - r.droppedNanos()) / 1e9;
            reconnect = Double.isNaN(reconnect) ? seconds : Math.max(reconnect, seconds);
        }
        double failover = failed == 0 ? 0 : (burstEnd - fromNanos) / 1e9;
        double recovery = Double.NaN;
        if (returnedNanos != 0) {
            recovery = window.stream().filter(r -> r.ok() && r.startNanos() >= returnedNanos)
                    .mapToLong(FailoverClients.Request::endNanos).min()
                    .stream().mapToDouble(end -> (end - returnedNanos) / 1e9).findFirst().orElse(Double.POSITIVE_INFINITY);
        }
        return new Row(balancer, fault, total, failed, failover, acknowledged, lost, duplicates, drops, reconnect, note, recovery);
    }

    static void print(List<Row> rows, PrintStream out) {
        out.println("| balancer | fault | failed requests | failover time | recovery after the database returns | acknowledged batches lost | duplicates stored | live streams dropped | stream reconnection |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            if (row.note() != null && row.requests() == 0) {
                out.printf(Locale.ROOT, "| %s | %s | %s | | | | | | |%n", row.balancer(), row.fault(), row.note());
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %s | %d of %d | %s | %s | %d of %d | %d | %d | %s |%n", row.balancer(), row.fault(),
                    row.failedRequests(), row.requests(), seconds(row.failoverSeconds()),
                    Double.isNaN(row.recoverySeconds()) ? "-" : seconds(row.recoverySeconds()), row.lost(), row.acknowledged(),
                    row.duplicates(), row.streamDrops(), row.streamDrops() == 0 ? "-" : seconds(row.reconnectSeconds()));
        }
        for (Row row : rows) {
            if (row.note() != null && row.requests() > 0) {
                out.println("  " + row.balancer() + ", " + row.fault() + ": " + row.note());
            }
        }
    }

    private static String seconds(double value) {
        return Double.isInfinite(value) ? "never" : String.format(Locale.ROOT, "%.2f s", value);
    }

    /** The run passes when no acknowledged batch was lost and none was stored twice, in every row. */
    static boolean pass(List<Row> rows) {
        return rows.stream().allMatch(Row::dataSafe);
    }
}
