package io.pganalytics.common.alerting;

import java.util.List;

/**
 * A rule's condition, the rule language of docs/ALERTING.md. One record for every kind; the fields a kind does not use
 * are null.
 * <ul>
 * <li>{@code threshold}: the latest value of {@code signal} compared with {@code value} by {@code op}
 *     ({@code > >= < <= == !=}).</li>
 * <li>{@code rate_of_change}: the change of {@code signal} per hour over {@code window} (a least-squares slope) compared
 *     with {@code value} by {@code op}.</li>
 * <li>{@code absence}: no value of {@code signal} for {@code window} (an instance or its collector gone silent).</li>
 * <li>{@code anomaly}: an open anomaly of at least {@code minSeverity} on a series matching {@code series} (a glob:
 *     {@code tps}, {@code statement_latency_ms:*}; null = any), scored at least the rule's sensitivity factor times the
 *     detector's threshold.</li>
 * <li>{@code all} / {@code any}: every / some of {@code conditions} (at most 5, not nested beyond one level).</li>
 * </ul>
 *
 * @param kind        one of the kinds above
 * @param signal      a signal name of {@code GET /api/v1/rules/signals}
 * @param op          the comparison
 * @param value       the threshold (in the signal's unit; per hour for rate_of_change)
 * @param window      a duration ({@code 15m}, {@code 1h}): the slope's span, or how long data must be missing
 * @param series      the anomaly series glob
 * @param minSeverity the anomaly's least severity ({@code warning} or {@code critical})
 * @param conditions  the parts of {@code all} / {@code any}
 */
public record Condition(String kind, String signal, String op, Double value, String window, String series, String minSeverity,
                        List<Condition> conditions) {

    public static final String THRESHOLD = "threshold";
    public static final String RATE_OF_CHANGE = "rate_of_change";
    public static final String ABSENCE = "absence";
    public static final String ANOMALY = "anomaly";
    public static final String ALL = "all";
    public static final String ANY = "any";

    public Condition {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static Condition threshold(String signal, String op, double value) {
        return new Condition(THRESHOLD, signal, op, value, null, null, null, null);
    }
}
