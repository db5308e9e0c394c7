package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.Condition;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.List;

/**
 * One simple condition in the rule editor's condition builder (a whole rule's condition, or one part of an
 * {@code all} / {@code any}): its kind and the fields that kind reads, as text the person edits.
 */
public final class ConditionPart {
    /** The kinds a part may be ({@code all} and {@code any} combine parts; they are not parts). */
    public static final List<String> KINDS = List.of(Condition.THRESHOLD, Condition.RATE_OF_CHANGE, Condition.ABSENCE, Condition.ANOMALY);
    public static final List<String> OPS = List.of(">", ">=", "<", "<=", "==", "!=");
    public static final List<String> ANOMALY_SEVERITIES = List.of("warning", "critical");

    private final StringProperty kind = new SimpleStringProperty(Condition.THRESHOLD);
    private final StringProperty signal = new SimpleStringProperty("");
    private final StringProperty op = new SimpleStringProperty(">");
    private final StringProperty value = new SimpleStringProperty("");
    private final StringProperty window = new SimpleStringProperty("");
    private final StringProperty series = new SimpleStringProperty("");
    private final StringProperty minSeverity = new SimpleStringProperty("warning");

    static ConditionPart of(Condition c) {
        ConditionPart part = new ConditionPart();
        part.kind.set(c.kind());
        part.signal.set(c.signal() == null ? "" : c.signal());
        part.op.set(c.op() == null ? ">" : c.op());
        part.value.set(c.value() == null ? "" : strip(c.value()));
        part.window.set(c.window() == null ? "" : c.window());
        part.series.set(c.series() == null ? "" : c.series());
        part.minSeverity.set(c.minSeverity() == null ? "warning" : c.minSeverity());
        return part;
    }

    private static String strip(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /** The condition this part says; {@code where} names it in a message ("Condition", "Part 2"). */
    Condition toCondition(String where) {
        String k = kind.get();
        return switch (k == null ? "" : k) {
            case Condition.THRESHOLD, Condition.RATE_OF_CHANGE -> {
                String s = signal(where);
                if (!OPS.contains(op.get())) {
                    throw new IllegalArgumentException(where + ": choose a comparison.");
                }
                Double v = AlertingText.number(value.get(), where + " value", false);
                String w = Condition.RATE_OF_CHANGE.equals(k) ? AlertingText.duration(window.get(), where + " window", null) : null;
                yield new Condition(k, s, op.get(), v, w, null, null, null);
            }
            case Condition.ABSENCE -> new Condition(k, signal(where), null, null, AlertingText.duration(window.get(), where + " window", null),
                    null, null, null);
            case Condition.ANOMALY -> {
                String glob = series.get() == null || series.get().isBlank() ? null : series.get().strip();
                if (!ANOMALY_SEVERITIES.contains(minSeverity.get())) {
                    throw new IllegalArgumentException(where + ": choose the least anomaly severity.");
                }
                yield new Condition(k, null, null, null, null, glob, minSeverity.get(), null);
            }
            default -> throw new IllegalArgumentException(where + ": choose a kind (threshold, rate of change, absence or anomaly).");
        };
    }

    private String signal(String where) {
        String s = signal.get() == null ? "" : signal.get().strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(where + ": choose a signal.");
        }
        return s;
    }

    /** One line for the rules list: {@code connection_saturation_ratio > 0.9}. */
    static String describe(Condition c) {
        return switch (c.kind()) {
            case Condition.THRESHOLD -> c.signal() + " " + c.op() + " " + strip(c.value());
            case Condition.RATE_OF_CHANGE -> "rate(" + c.signal() + ", " + c.window() + ") " + c.op() + " " + strip(c.value()) + "/h";
            case Condition.ABSENCE -> "absent(" + c.signal() + ", " + c.window() + ")";
            case Condition.ANOMALY -> "anomaly(" + (c.series() == null ? "*" : c.series()) + ", " + c.minSeverity() + ")";
            default -> c.conditions().stream().map(ConditionPart::describe)
                    .collect(java.util.stream.Collectors.joining(Condition.ALL.equals(c.kind()) ? " and " : " or ", "(", ")"));
        };
    }

    public StringProperty kindProperty() {
        return kind;
    }

    public StringProperty signalProperty() {
        return signal;
    }

    public StringProperty opProperty() {
        return op;
    }

    public StringProperty valueProperty() {
        return value;
    }

    public StringProperty windowProperty() {
        return window;
    }

    public StringProperty seriesProperty() {
        return series;
    }

    public StringProperty minSeverityProperty() {
        return minSeverity;
    }
}
