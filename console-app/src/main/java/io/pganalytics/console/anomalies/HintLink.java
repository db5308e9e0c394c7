package io.pganalytics.console.anomalies;

import io.pganalytics.common.query.InstanceSummary;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a root-cause hint leads, parsed from its {@code ref} (the grammar of {@link io.pganalytics.common.anomaly.AnomalyHint}):
 * a statement, a table, a setting, another series, a lock chain, or another anomaly of the same instance.
 *
 * @param kind     what it names
 * @param instance the instance it belongs to
 * @param value    the queryid, {@code datname.schema.relname}, setting name, series, root pid or anomaly id
 */
public record HintLink(Kind kind, InstanceSummary instance, String value) {
    /** The kinds of ref; the console opens each where it is shown. */
    public enum Kind {
        /** {@code query:<queryid>}: the Queries tab with that statement selected. */
        QUERY,
        /** {@code table:<datname>.<schema>.<relname>}: the Tables tab with that table selected. */
        TABLE,
        /** {@code setting:<name>}: the instance's overview. */
        SETTING,
        /** {@code series:<series>}: the instance's overview, where its chart is. */
        SERIES,
        /** {@code lock:<root pid>}: the instance's overview (its wait events). */
        LOCK,
        /** {@code anomaly:<id>}: that anomaly's detail. */
        ANOMALY
    }

    /** The link of {@code ref}, or empty when it is blank or of a kind this console does not know. */
    public static Optional<HintLink> parse(String ref, InstanceSummary instance) {
        if (ref == null || instance == null) {
            return Optional.empty();
        }
        int colon = ref.indexOf(':');
        if (colon <= 0 || colon == ref.length() - 1) {
            return Optional.empty();
        }
        String value = ref.substring(colon + 1);
        Kind kind = switch (ref.substring(0, colon).toLowerCase(Locale.ROOT)) {
            case "query" -> isNumber(value) ? Kind.QUERY : null;
            case "table" -> Kind.TABLE;
            case "setting" -> Kind.SETTING;
            case "series" -> Kind.SERIES;
            case "lock" -> isNumber(value) ? Kind.LOCK : null;
            case "anomaly" -> isNumber(value) ? Kind.ANOMALY : null;
            default -> null;
        };
        return kind == null ? Optional.empty() : Optional.of(new HintLink(kind, instance, value));
    }

    private static boolean isNumber(String value) {
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** What the link's button says. */
    public String label() {
        return switch (kind) {
            case QUERY -> "Open the statement";
            case TABLE -> "Open the table";
            case SETTING -> "Open the instance";
            case SERIES -> "Open the chart";
            case LOCK -> "Open the instance's waits";
            case ANOMALY -> "Open the anomaly";
        };
    }
}
