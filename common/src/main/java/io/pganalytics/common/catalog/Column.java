package io.pganalytics.common.catalog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a metric family.
 *
 * @param name lower-case SQL identifier, unique in its family
 * @param type how it is stored
 * @param role what it means
 */
public record Column(String name, ColumnType type, ColumnRole role) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public Column {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(role, "role");
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("column name must be a lower-case SQL identifier: " + name);
        }
    }

    public static Column key(String name, ColumnType type) {
        return new Column(name, type, ColumnRole.KEY);
    }

    public static Column label(String name, ColumnType type) {
        return new Column(name, type, ColumnRole.LABEL);
    }

    public static Column counter(String name, ColumnType type) {
        return new Column(name, type, ColumnRole.COUNTER);
    }

    public static Column gauge(String name, ColumnType type) {
        return new Column(name, type, ColumnRole.GAUGE);
    }
}
