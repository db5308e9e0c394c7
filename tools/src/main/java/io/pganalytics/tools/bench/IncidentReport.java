package io.pganalytics.tools.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the incident suite measured, from the anomalies the API returned: per planted incident whether an anomaly on
 * one of its series began inside its window, how many collection intervals after the plant, its top root-cause hint
 * and whether any hint names the planted culprit; and the false alarms, anomalies of any series that began in the
 * steady stretches (outside every incident's window), per instance per day.
 */
final class IncidentReport {
    /** The goals: detected within this many collection intervals, fewer false alarms per instance per day. */
    static final int GOAL_INTERVALS = 3;
    static final double GOAL_FALSE_ALARMS_PER_DAY = 1;
    /**
     * Points are stamped when their collection cycle starts, and a cycle's reads follow the stamp by up to a few hundred
     * ms: a point stamped in the second before the plant may already show it (seen: a DROP INDEX 0.19 s after a cycle's
     * stamp made that point's anomalies), so a window opens this much before its plant.
     */
    static final Duration STAMP_TOLERANCE = Duration.ofSeconds(1);

    /** One hint as the API returns it. */
    record Hint(int rank, String type, String subject, String detail, String ref) {
        boolean names(List<String> culprits) {
            for (String culprit : culprits) {
                String needle = culprit.toLowerCase(Locale.ROOT);
                for (String field : new String[]{subject, detail, ref}) {
                    if (field != null && !needle.isBlank() && field.toLowerCase(Locale.ROOT).contains(needle)) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return type + ": " + subject;
        }
    }

    /** One anomaly as the API returns it. */
    record Anomaly(long id, String series, String kind, String severity, Instant startedAt, double score, List<Hint> hints) {
        Optional<Hint> top() {
            return hints.stream().min(Comparator.comparingInt(Hint::rank));
        }
    }

    /**
     * One planted incident.
     *
     * @param plantedAt  when the incident was planted
     * @param settledAt  the end of its window: when it was undone plus the settling time (anomalies beginning up to
     *                   then are the incident's, not false alarms)
     */
    record Window(Incident incident, Instant plantedAt, Instant revertedAt, Instant settledAt, String evidence,
                  List<String> culprits) {
        boolean contains(Instant t) {
            return !t.isBefore(plantedAt.minus(STAMP_TOLERANCE)) && !t.isAfter(settledAt);
        }
    }

    /** What became of one incident. */
    record Outcome(Window window, Optional<Anomaly> first, long delayIntervals, boolean hintNamesCulprit, List<Anomaly> anomalies) {
        boolean detected() {
            return first.isPresent();
        }

        boolean withinGoal() {
            return detected() && delayIntervals <= GOAL_INTERVALS;
        }
    }

    private final Duration interval;
    private final Instant steadyFrom;
    private final Instant end;
    private final List<Window> windows;
    private final List<Anomaly> anomalies;

    /**
     * @param steadyFrom when the learning ended (nothing can be flagged before)
     * @param end        the end of the run's observed time
     */
    IncidentReport(Duration interval, Instant steadyFrom, Instant end, List<Window> windows, List<Anomaly> anomalies) {
        this.interval = interval;
        this.steadyFrom = steadyFrom;
        this.end = end;
        this.windows = List.copyOf(windows);
        this.anomalies = anomalies.stream().sorted(Comparator.comparing(Anomaly::startedAt)).toList();
    }

    List<Outcome> outcomes() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Window w : windows) {
            List<Anomaly> inWindow = anomalies.stream().filter(a -> w.contains(a.startedAt())).toList();
            Optional<Anomaly> first = inWindow.stream().filter(a -> w.incident().relevant(a.series())).findFirst();
            long delay = first.map(a -> intervalsBetween(w.plantedAt(), a.startedAt())).orElse(-1L);
            boolean named = inWindow.stream().anyMatch(a -> a.hints().stream().anyMatch(h -> h.names(w.culprits())));
            outcomes.add(new Outcome(w, first, delay, named, inWindow));
        }
        return outcomes;
    }

    /** Whole collection intervals from the plant to the first anomalous point, rounded up (the first sample after it is 1). */
    long intervalsBetween(Instant planted, Instant started) {
        long nanos = Math.max(0, Duration.between(planted, started).toNanos());
        return Math.max(1, (nanos + interval.toNanos() - 1) / interval.toNanos());
    }

    /** The anomalies that began in the steady stretches: after the learning, outside every incident's window. */
    List<Anomaly> falseAlarms() {
        return anomalies.stream().filter(a -> !a.startedAt().isBefore(steadyFrom) && !a.startedAt().isAfter(end))
                .filter(a -> windows.stream().noneMatch(w -> w.contains(a.startedAt()))).toList();
    }

    /** The steady time observed: from the end of the learning to the end, less every incident's window. */
    Duration steadyTime() {
        Duration total = Duration.between(steadyFrom, end);
        for (Window w : windows) {
            Instant opened = w.plantedAt().minus(STAMP_TOLERANCE);
            Instant from = opened.isBefore(steadyFrom) ? steadyFrom : opened;
            Instant to = w.settledAt().isAfter(end) ? end : w.settledAt();
            if (to.isAfter(from)) {
                total = total.minus(Duration.between(from, to));
            }
        }
        return total.isNegative() ? Duration.ZERO : total;
    }

    /** False alarms per instance per day: the count over the steady time, scaled linearly to 24 hours (one instance). */
    double falseAlarmsPerDay() {
        double hours = steadyTime().toMillis() / 3_600_000.0;
        return hours == 0 ? Double.NaN : falseAlarms().size() * 24 / hours;
    }

    /** With no false alarm, the 95 % upper bound of the rate (the rule of three: 3 events over the time observed). */
    double falseAlarmsPerDayUpperBound() {
        double hours = steadyTime().toMillis() / 3_600_000.0;
        return hours == 0 ? Double.NaN : (falseAlarms().size() == 0 ? 3 : falseAlarms().size() + 2 * Math.sqrt(falseAlarms().size())) * 24 / hours;
    }

    boolean everyIncidentDetected() {
        return outcomes().stream().allMatch(Outcome::detected);
    }

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "incident suite: 1 instance, collection interval %d s, %d incidents, %d anomalies in all%n",
                interval.toSeconds(), windows.size(), anomalies.size());
        out.printf(Locale.ROOT, "%-18s %-9s %-10s %-26s %-8s %s%n", "incident", "detected", "delay", "first series",
                "culprit", "top root-cause hint");
        for (Outcome o : outcomes()) {
            String delay = o.detected() ? o.delayIntervals() + " int." + (o.withinGoal() ? "" : " (>" + GOAL_INTERVALS + ")") : "-";
            out.printf(Locale.ROOT, "%-18s %-9s %-10s %-26s %-8s %s%n", o.window().incident().id(),
                    o.detected() ? "yes" : "NO", delay,
                    o.first().map(a -> abbreviate(a.series(), 26)).orElse("-"),
                    o.hintNamesCulprit() ? "named" : "no",
                    o.first().flatMap(Anomaly::top).map(h -> abbreviate(h.toString(), 70)).orElse("-"));
        }
        for (Outcome o : outcomes()) {
            out.printf(Locale.ROOT, "  %s: %s; PostgreSQL showed: %s%n", o.window().incident().id(),
                    o.window().incident().description(), o.window().evidence());
            out.printf(Locale.ROOT, "    %d anomalies in its window: %s%n", o.anomalies().size(), o.anomalies().stream()
                    .map(a -> a.series() + " +" + intervalsBetween(o.window().plantedAt(), a.startedAt())).toList());
        }
        Duration steady = steadyTime();
        List<Anomaly> falseAlarms = falseAlarms();
        out.printf(Locale.ROOT, "false alarms: %d in %.1f min of steady load outside the incident windows = %.1f per instance per day"
                        + " (linear extrapolation to 24 h; 95 %% upper bound %.1f)%n",
                falseAlarms.size(), steady.toSeconds() / 60.0, falseAlarmsPerDay(), falseAlarmsPerDayUpperBound());
        for (Anomaly a : falseAlarms) {
            out.printf(Locale.ROOT, "  false alarm: %s at %s (%s, %s, score %.1f)%n", a.series(), a.startedAt(), a.kind(),
                    a.severity(), a.score());
        }
        long withinGoal = outcomes().stream().filter(Outcome::withinGoal).count();
        out.printf(Locale.ROOT, "goal: every incident within %d intervals (%d of %d) and < %.0f false alarm per instance per day (%s)%n",
                GOAL_INTERVALS, withinGoal, windows.size(), GOAL_FALSE_ALARMS_PER_DAY,
                falseAlarmsPerDay() < GOAL_FALSE_ALARMS_PER_DAY ? "met" : String.format(Locale.ROOT, "%.1f", falseAlarmsPerDay()));
    }

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
