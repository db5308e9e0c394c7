package io.pganalytics.tools.demo;

import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.QueryStat;
import io.pganalytics.common.query.SeriesPoint;
import io.pganalytics.common.query.SeriesResponse;
import io.pganalytics.common.query.TopQueries;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --verify-within}: reads the demo's own data back through the public API, as the console does, until the
 * demo instance is listed with transactions per second above zero and every part of the workload is among its top
 * queries, or the time is up.
 */
final class DemoVerifier {
    static final int TOP_LIMIT = 100;
    private static final Duration POLL = Duration.ofSeconds(3);

    private final DemoApi api;
    private final String instanceName;
    private final Instant since;

    DemoVerifier(DemoApi api, String instanceName, Instant since) {
        this.api = api;
        this.instanceName = instanceName;
        this.since = since;
    }

    /**
     * Polls until everything is seen or {@code deadline} passes.
     *
     * @return what was seen, for the user
     * @throws DemoException naming what was missing at the deadline and what was seen
     */
    String await(Instant deadline) throws DemoException, InterruptedException {
        Observation last = null;
        while (true) {
            last = observe();
            if (last.complete()) {
                return last.describe();
            }
            if (Instant.now().plus(POLL).isAfter(deadline)) {
                throw new DemoException("verification failed: " + last.missing() + "\nseen:\n" + last.describe());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private Observation observe() throws DemoException, InterruptedException {
        Optional<InstanceSummary> instance = api.instances(instanceName).items().stream()
                .filter(i -> instanceName.equals(i.name())).findFirst();
        if (instance.isEmpty()) {
            return new Observation(null, null, null);
        }
        Instant from = since; // this run only: a reused data directory holds earlier runs too
        SeriesResponse tps = api.series(instance.get().id(), "tps", from);
        TopQueries top = api.topQueries(instance.get().id(), from, TOP_LIMIT);
        return new Observation(instance.get(), tps, top);
    }

    /** One look at the API. */
    private record Observation(InstanceSummary instance, SeriesResponse tps, TopQueries top) {
        double maxTps() {
            return tps == null ? 0 : tps.points().stream().map(SeriesPoint::value)
                    .filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
        }

        Map<DemoWorkload.Part, QueryStat> parts() {
            Map<DemoWorkload.Part, QueryStat> found = new EnumMap<>(DemoWorkload.Part.class);
            if (top != null) {
                for (DemoWorkload.Part part : DemoWorkload.Part.values()) {
                    top.items().stream().filter(q -> q.text() != null && q.text().contains(part.marker()) && q.calls() > 0)
                            .findFirst().ifPresent(q -> found.put(part, q));
                }
            }
            return found;
        }

        boolean complete() {
            return instance != null && maxTps() > 0 && parts().size() == DemoWorkload.Part.values().length;
        }

        String missing() {
            if (instance == null) {
                return "the demo instance is not listed by GET /api/v1/instances";
            }
            List<String> problems = new ArrayList<>();
            if (maxTps() <= 0) {
                problems.add("no transactions per second above zero in GET /instances/" + instance.id() + "/series?metric=tps");
            }
            List<String> absent = new ArrayList<>();
            for (DemoWorkload.Part part : DemoWorkload.Part.values()) {
                if (!parts().containsKey(part)) {
                    absent.add(part.description() + " ('" + part.marker() + "')");
                }
            }
            if (!absent.isEmpty()) {
                problems.add("not among the top " + TOP_LIMIT + " queries: " + String.join(", ", absent));
            }
            return String.join("; ", problems);
        }

        String describe() {
            if (instance == null) {
                return "  no instance named as the demo's target yet";
            }
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "  instance '%s' (id %d, PostgreSQL %s): status %s, %s transactions/s now%n",
                    instance.name(), instance.id(), instance.version() == null ? "version not reported yet" : instance.version(), instance.status(),
                    instance.figures() == null || instance.figures().tps() == null ? "?" : String.format(Locale.ROOT, "%.1f", instance.figures().tps())));
            text.append(String.format(Locale.ROOT, "  series tps: %d points, highest %.1f/s%n", tps == null ? 0 : tps.points().size(), maxTps()));
            text.append(String.format(Locale.ROOT, "  top queries by total time (%d statements):%n", top == null ? 0 : top.total()));
            Map<DemoWorkload.Part, QueryStat> parts = parts();
            for (DemoWorkload.Part part : DemoWorkload.Part.values()) {
                QueryStat q = parts.get(part);
                text.append(q == null
                        ? String.format(Locale.ROOT, "    %-30s not seen yet%n", part.description())
                        : String.format(Locale.ROOT, "    %-30s #%-3d calls %6d  mean %9.2f ms  %s%n", part.description(),
                                top.items().indexOf(q) + 1, q.calls(), q.meanTimeMs() == null ? 0 : q.meanTimeMs(), excerpt(q.text())));
            }
            return text.toString().stripTrailing();
        }

        private static String excerpt(String text) {
            String line = text.replaceAll("\\s+", " ").strip();
            return line.length() > 70 ? line.substring(0, 67) + "..." : line;
        }
    }
}
