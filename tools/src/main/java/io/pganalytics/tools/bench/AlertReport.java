package io.pganalytics.tools.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the incident suite measured of alerting with the default rule pack: the notifications a real webhook receiver
 * got ({@link AlertSink}), judged by the suite's ground truth. An incident is notified when a notification that raises
 * an alarm (an incident firing, updated with a new alert, escalated or repeated; not a resolution) arrived inside its
 * window; a notification that raises an alarm outside every window, after the learning, is noise.
 */
final class AlertReport {
    /** The goal: the share of notifications that are noise stays under this. */
    static final double GOAL_NOISE_SHARE = 0.05;
    private static final Set<String> ALARMS = Set.of("firing", "updated", "escalated", "repeat");

    /** What became of one incident. */
    record Outcome(IncidentReport.Window window, Optional<AlertSink.Received> first) {
        boolean notified() {
            return first.isPresent();
        }
    }

    private final Instant steadyFrom;
    private final Instant end;
    private final List<IncidentReport.Window> windows;
    private final List<AlertSink.Received> alarms;
    private final int refused;
    private final int resolutions;

    AlertReport(Instant steadyFrom, Instant end, List<IncidentReport.Window> windows, List<AlertSink.Received> received, int refused) {
        this.steadyFrom = steadyFrom;
        this.end = end;
        this.windows = List.copyOf(windows);
        this.alarms = received.stream().filter(r -> ALARMS.contains(r.event())).toList();
        this.resolutions = (int) received.stream().filter(r -> "resolved".equals(r.event())).count();
        this.refused = refused;
    }

    List<Outcome> outcomes() {
        List<Outcome> outcomes = new ArrayList<>();
        for (IncidentReport.Window w : windows) {
            outcomes.add(new Outcome(w, alarms.stream().filter(r -> w.contains(r.at())).findFirst()));
        }
        return outcomes;
    }

    /** The alarms after the learning that fall outside every incident's window. */
    List<AlertSink.Received> noise() {
        return counted().stream().filter(r -> windows.stream().noneMatch(w -> w.contains(r.at()))).toList();
    }

    /** The alarms after the learning (what the noise share is a share of). */
    List<AlertSink.Received> counted() {
        return alarms.stream().filter(r -> !r.at().isBefore(steadyFrom) && !r.at().isAfter(end)).toList();
    }

    boolean everyIncidentNotified() {
        return outcomes().stream().allMatch(Outcome::notified);
    }

    double noiseShare() {
        return counted().isEmpty() ? 0 : (double) noise().size() / counted().size();
    }

    void print(PrintStream out) {
        out.println();
        out.println("alerting with the default rule pack (notifications to a real webhook receiver, HMAC checked):");
        out.printf(Locale.ROOT, "  %-18s %-9s %-12s %s%n", "incident", "notified", "after", "alerts in the first notification");
        for (Outcome o : outcomes()) {
            String after = o.first().map(r -> String.format(Locale.ROOT, "%d s", Duration.between(o.window().plantedAt(), r.at()).toSeconds()))
                    .orElse("-");
            out.printf(Locale.ROOT, "  %-18s %-9s %-12s %s%n", o.window().incident().id(), o.notified() ? "yes" : "NO", after,
                    o.first().map(r -> String.join(", ", r.alerts())).orElse(""));
        }
        List<AlertSink.Received> noise = noise();
        Map<String, Integer> noisy = new TreeMap<>();
        noise.forEach(r -> r.alerts().forEach(a -> noisy.merge(a, 1, Integer::sum)));
        out.printf(Locale.ROOT, "  incidents notified: %d of %d (goal: all)%n", outcomes().stream().filter(Outcome::notified).count(),
                windows.size());
        out.printf(Locale.ROOT, "  notifications after the learning: %d raising an alarm (%d resolutions not counted), %d outside every"
                + " incident's window: noise share %.1f %% (goal: under %.0f %%)%n", counted().size(), resolutions, noise.size(),
                100 * noiseShare(), 100 * GOAL_NOISE_SHARE);
        if (!noisy.isEmpty()) {
            out.println("  alerts in the noise: " + noisy);
        }
        if (refused > 0) {
            out.println("  requests refused by the receiver (bad signature): " + refused);
        }
    }
}
