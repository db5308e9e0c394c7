package io.pganalytics.console.alerts;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.console.common.Figures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** How the Alerts screen writes alerts and incidents: durations, values, labels, states. */
final class AlertFigures {
    /** Labels every alert carries that the Labels column leaves out (they have columns of their own). */
    static final Set<String> SHOWN_ELSEWHERE = Set.of("alertname", "instance", "instance_id", "severity", "rule_id");

    private AlertFigures() {
    }

    /** "3 min", "2 h 05 min", "4 d 3 h". */
    static String duration(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 48) {
            return String.format(Locale.ROOT, "%d h %02d min", hours, minutes % 60);
        }
        return hours / 24 + " d " + hours % 24 + " h";
    }

    /** How long an alert has fired, or fired: "firing · 12 min", "pending · 40 s", "fired 2 h 05 min". */
    static String alertDuration(AlertView a, Instant now) {
        if (AlertView.PENDING.equals(a.state())) {
            return "pending · " + duration(Duration.between(a.pendingSince(), now));
        }
        Instant fired = a.firedAt() == null ? a.pendingSince() : a.firedAt();
        if (a.resolvedAt() != null) {
            return "fired " + duration(Duration.between(fired, a.resolvedAt()));
        }
        return "firing · " + duration(Duration.between(fired, now));
    }

    static String incidentDuration(IncidentView i, Instant now) {
        Instant end = i.resolvedAt() != null ? i.resolvedAt() : now;
        return (i.resolvedAt() != null ? "lasted " : "open · ") + duration(Duration.between(i.openedAt(), end));
    }

    static String value(Double value) {
        if (value == null || value.isNaN()) {
            return Figures.NONE;
        }
        double abs = Math.abs(value);
        int decimals = abs >= 100 ? 0 : abs >= 1 ? 2 : 4;
        return Figures.number(value, decimals);
    }

    /** The labels besides the ones with columns of their own: {@code team=dba, service=shop}. */
    static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().filter(e -> !SHOWN_ELSEWHERE.contains(e.getKey())).sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    static String matchers(List<Matcher> matchers) {
        return matchers.stream().map(m -> m.label() + m.op() + "\"" + m.value() + "\"").collect(Collectors.joining(", "));
    }

    /** "Critical" from "critical". */
    static String word(String severity) {
        return severity == null || severity.isEmpty() ? "" : Character.toUpperCase(severity.charAt(0)) + severity.substring(1);
    }

    /** An alert's state with what holds it back: "firing", "firing (silenced)". */
    static String state(AlertView a) {
        return a.state() + (a.suppressed() ? " (silenced)" : "");
    }

    /** An incident's state with who acknowledged or resolved it. */
    static String state(IncidentView i) {
        if (IncidentView.ACKNOWLEDGED.equals(i.state()) && i.acknowledgedBy() != null) {
            return "acknowledged by " + i.acknowledgedBy();
        }
        if (IncidentView.RESOLVED.equals(i.state()) && i.resolvedBy() != null) {
            return "resolved by " + i.resolvedBy();
        }
        return i.state();
    }
}
