package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.units.Durations;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Evaluates a valid condition (see {@link RuleChecks}) of one instance at one time over what was read. The value of a
 * true condition: the signal's latest value (threshold), the slope per hour (rate_of_change), null (absence), the
 * anomaly's score (anomaly), the first true part's (all / any).
 */
final class Conditions {
    private final Duration staleness;
    private final double anomalyThreshold;

    /**
     * @param staleness        a value older than this is not a signal's latest value
     * @param anomalyThreshold the anomaly detector's threshold (robust sigmas) an anomaly rule's factor multiplies
     */
    Conditions(Duration staleness, double anomalyThreshold) {
        this.staleness = staleness;
        this.anomalyThreshold = anomalyThreshold;
    }

    Duration staleness() {
        return staleness;
    }

    double anomalyThreshold() {
        return anomalyThreshold;
    }

    Verdict evaluate(Condition c, double sensitivityFactor, Readings readings, long instanceId, long at) {
        return switch (c.kind()) {
            case Condition.THRESHOLD -> threshold(c, readings.points(c.signal(), instanceId), at);
            case Condition.RATE_OF_CHANGE -> rate(c, readings.points(c.signal(), instanceId), at);
            case Condition.ABSENCE -> absence(c, readings.points(c.signal(), instanceId), at);
            case Condition.ANOMALY -> anomaly(c, sensitivityFactor, readings.anomalies(instanceId), at);
            case Condition.ALL -> all(c, sensitivityFactor, readings, instanceId, at);
            case Condition.ANY -> any(c, sensitivityFactor, readings, instanceId, at);
            default -> throw new IllegalArgumentException("condition kind " + c.kind() + " is not evaluable");
        };
    }

    private Verdict threshold(Condition c, List<SignalSource.Point> points, long at) {
        int last = lastAtOrBefore(points, at);
        if (last < 0 || points.get(last).epochSecond() <= at - staleness.toSeconds()) {
            return Verdict.UNKNOWN; // stale: the alert keeps its state; absence is what detects silence
        }
        double value = points.get(last).value();
        return compare(value, c.op(), c.value()) ? Verdict.holds(value) : Verdict.FALSE;
    }

    private Verdict rate(Condition c, List<SignalSource.Point> points, long at) {
        int last = lastAtOrBefore(points, at);
        if (last < 0 || points.get(last).epochSecond() <= at - staleness.toSeconds()) {
            return Verdict.UNKNOWN;
        }
        long since = at - Durations.parse(c.window()).toSeconds();
        int n = 0;
        double meanT = 0;
        double meanV = 0;
        for (int i = last; i >= 0 && points.get(i).epochSecond() > since; i--) {
            n++;
            meanT += (points.get(i).epochSecond() - meanT) / n;
            meanV += (points.get(i).value() - meanV) / n;
        }
        if (n < 2) {
            return Verdict.UNKNOWN;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = last; i > last - n; i--) {
            double dt = points.get(i).epochSecond() - meanT;
            sxy += dt * (points.get(i).value() - meanV);
            sxx += dt * dt;
        }
        if (sxx == 0) {
            return Verdict.UNKNOWN;
        }
        double perHour = sxy / sxx * 3600;
        return compare(perHour, c.op(), c.value()) ? Verdict.holds(perHour) : Verdict.FALSE;
    }

    private static Verdict absence(Condition c, List<SignalSource.Point> points, long at) {
        int last = lastAtOrBefore(points, at);
        boolean silent = last < 0 || points.get(last).epochSecond() <= at - Durations.parse(c.window()).toSeconds();
        return silent ? Verdict.holds(null) : Verdict.FALSE;
    }

    private Verdict anomaly(Condition c, double sensitivityFactor, List<Readings.Anomaly> anomalies, long at) {
        Pattern glob = c.series() == null ? null : glob(c.series());
        Readings.Anomaly best = null;
        for (Readings.Anomaly a : anomalies) {
            if (a.startedAt() > at || (a.endedAt() != null && a.endedAt() <= at)) {
                continue;
            }
            if (glob != null && !glob.matcher(a.series()).matches()) {
                continue;
            }
            if (AlertRule.CRITICAL.equals(c.minSeverity()) && !AlertRule.CRITICAL.equals(a.severity())) {
                continue;
            }
            if (a.score() < anomalyThreshold * sensitivityFactor) {
                continue;
            }
            if (best == null || a.score() > best.score()) {
                best = a;
            }
        }
        return best == null ? Verdict.FALSE : new Verdict(Verdict.Outcome.TRUE, best.score(), best.id());
    }

    private Verdict all(Condition c, double factor, Readings readings, long instanceId, long at) {
        Verdict first = null;
        boolean unknown = false;
        for (Condition part : c.conditions()) {
            Verdict v = evaluate(part, factor, readings, instanceId, at);
            if (v.outcome() == Verdict.Outcome.FALSE) {
                return Verdict.FALSE;
            }
            unknown |= v.outcome() == Verdict.Outcome.UNKNOWN;
            if (first == null && v.isTrue()) {
                first = v;
            }
        }
        return unknown || first == null ? Verdict.UNKNOWN : first;
    }

    private Verdict any(Condition c, double factor, Readings readings, long instanceId, long at) {
        boolean unknown = false;
        for (Condition part : c.conditions()) {
            Verdict v = evaluate(part, factor, readings, instanceId, at);
            if (v.isTrue()) {
                return v;
            }
            unknown |= v.outcome() == Verdict.Outcome.UNKNOWN;
        }
        return unknown ? Verdict.UNKNOWN : Verdict.FALSE;
    }

    static boolean compare(double value, String op, double threshold) {
        return switch (op) {
            case ">" -> value > threshold;
            case ">=" -> value >= threshold;
            case "<" -> value < threshold;
            case "<=" -> value <= threshold;
            case "==" -> value == threshold;
            case "!=" -> value != threshold;
            default -> throw new IllegalArgumentException("operator " + op);
        };
    }

    /** Whether a condition's value is worse when lower (its op is {@code <} or {@code <=}). */
    static boolean lowerIsWorse(Condition c) {
        Condition first = c.conditions().isEmpty() ? c : c.conditions().get(0);
        return "<".equals(first.op()) || "<=".equals(first.op());
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The index of the newest point at or before {@code at} in points sorted oldest first; -1 when none. */
    static int lastAtOrBefore(List<SignalSource.Point> points, long at) {
        int lo = 0;
        int hi = points.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (points.get(mid).epochSecond() <= at) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
