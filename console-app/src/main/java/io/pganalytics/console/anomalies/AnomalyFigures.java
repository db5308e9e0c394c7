package io.pganalytics.console.anomalies;

import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.console.common.Figures;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How an anomaly's figures read: values in their series' unit, its score, its duration. */
public final class AnomalyFigures {
    private AnomalyFigures() {
    }

    /** A value in {@code unit}: ratios as percent, times and bytes scaled, anything else with its unit. */
    public static String value(Double value, String unit) {
        if (value == null || value.isNaN()) {
            return Figures.NONE;
        }
        String u = unit == null ? "" : unit;
        return switch (u) {
            case "ratio" -> Figures.percent(value);
            case "ms" -> Figures.milliseconds(value);
            case "s", "seconds" -> Figures.seconds(value);
            case "bytes", "B" -> Figures.bytes(Math.round(value));
            case "bytes/s", "B/s" -> Figures.bytes(Math.round(value)) + "/s";
            default -> Figures.number(value, Math.abs(value) < 10 ? 2 : Math.abs(value) < 1000 ? 1 : 0) + (u.isEmpty() ? "" : " " + u);
        };
    }

    /** The peak's score: robust sigmas, or the isolation score of a multivariate anomaly. */
    public static String score(AnomalyView anomaly) {
        return AnomalyView.MULTIVARIATE.equals(anomaly.kind())
                ? String.format(Locale.ROOT, "%.2f", anomaly.score())
                : String.format(Locale.ROOT, "%.1f σ", anomaly.score());
    }

    /** "38.2 ms vs 0.41 ms expected (0.30 ms – 0.60 ms)", or the band alone when there is no actual value. */
    public static String actualVersusExpected(AnomalyView anomaly) {
        if (anomaly.actual() == null && anomaly.expected() == null) {
            return Figures.NONE;
        }
        // a unit that is a word (connections, backends) is said once, at the end, not after every figure
        String unit = anomaly.unit();
        boolean word = unit != null && unit.matches("[A-Za-z ]{4,}") && !unit.equals("ratio") && !unit.equals("seconds")
                && !unit.equals("bytes");
        String each = word ? "" : unit;
        String tail = word ? " " + unit : "";
        String band = anomaly.lower() != null && anomaly.upper() != null
                ? " (" + value(anomaly.lower(), each) + " – " + value(anomaly.upper(), each) + ")" : "";
        if (anomaly.actual() == null) {
            return "expected " + value(anomaly.expected(), each) + band + tail;
        }
        return value(anomaly.actual(), each) + " vs " + value(anomaly.expected(), each) + band + tail;
    }

    /** "12 min" once closed; "open · 12 min" while open, up to {@code now}. */
    public static String duration(AnomalyView anomaly, Instant now) {
        Instant end = anomaly.endedAt() != null ? anomaly.endedAt() : now;
        String length = length(Duration.between(anomaly.startedAt(), end));
        return AnomalyView.OPEN.equals(anomaly.state()) ? "open · " + length : length;
    }

    static String length(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        if (minutes < 1) {
            return "< 1 min";
        }
        if (minutes < 120) {
            return minutes + " min";
        }
        if (minutes < 48 * 60) {
            return String.format(Locale.ROOT, "%.1f h", minutes / 60.0);
        }
        return String.format(Locale.ROOT, "%.1f d", minutes / 1440.0);
    }

    /** "level shift", "spike", "trend change", "multivariate". */
    public static String kind(String kind) {
        return kind == null ? Figures.NONE : kind.replace('_', ' ');
    }
}
