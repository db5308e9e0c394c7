package io.pganalytics.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus histogram read from the server's {@code /metrics} (admin listener): its cumulative bucket counts by
 * upper bound. Two readings subtract to the phase between them; quantiles are interpolated within a bucket the way
 * PromQL's {@code histogram_quantile} does, so they are as exact as the buckets (0.1, 0.25, 0.5 s...).
 */
record ServerHistogram(TreeMap<Double, Long> cumulative) {
    /** The ingest's: from a batch's arrival at the ingest route to its acknowledgement, every request. */
    static final String INGEST = "pganalytics_ingest_batch_seconds";

    static ServerHistogram read(HttpClient http, int adminPort, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return parse(response.body(), name);
    }

    static ServerHistogram parse(String exposition, String name) {
        Pattern bucket = Pattern.compile("^" + Pattern.quote(name) + "_bucket\\{le=\"([^\"]+)\"} (\\d+)$", Pattern.MULTILINE);
        TreeMap<Double, Long> counts = new TreeMap<>();
        Matcher m = bucket.matcher(exposition);
        while (m.find()) {
            double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            counts.put(bound, Long.parseLong(m.group(2)));
        }
        return new ServerHistogram(counts);
    }

    /** What was observed after {@code earlier}. */
    ServerHistogram since(ServerHistogram earlier) {
        TreeMap<Double, Long> out = new TreeMap<>();
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            out.put(e.getKey(), e.getValue() - earlier.cumulative.getOrDefault(e.getKey(), 0L));
        }
        return new ServerHistogram(out);
    }

    long count() {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    /** The share of observations at or under {@code bound} (a bucket's bound), in percent. */
    double percentAtMost(double bound) {
        Long under = cumulative.get(bound);
        return count() == 0 || under == null ? Double.NaN : 100.0 * under / count();
    }

    /** The quantile in milliseconds, interpolated in its bucket; NaN when empty, the last finite bound when beyond it. */
    double quantileMillis(double quantile) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = quantile * total;
        double lower = 0;
        long below = 0;
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lower * 1000;
                }
                long inBucket = e.getValue() - below;
                double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
                return (lower + (e.getKey() - lower) * fraction) * 1000;
            }
            lower = e.getKey();
            below = e.getValue();
        }
        return lower * 1000;
    }
}
