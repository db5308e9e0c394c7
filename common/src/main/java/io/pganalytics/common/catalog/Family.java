package io.pganalytics.common.catalog;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A metric family: one typed table on the server, one {@link io.pganalytics.common.wire.Snapshot} per collection
 * on the wire, whose rows are positional lists in the order of {@link #columns()}.
 *
 * @param name            lower-case identifier ({@code database}, {@code statements}...)
 * @param defaultInterval how often the collector reads it unless configured otherwise
 * @param columns         the columns, in row order; at least one
 */
public record Family(String name, Duration defaultInterval, List<Column> columns) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public Family {
        Objects.requireNonNull(defaultInterval, "defaultInterval");
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("family name must be a lower-case SQL identifier: " + name);
        }
        if (defaultInterval.isNegative() || defaultInterval.isZero()) {
            throw new IllegalArgumentException("family " + name + ": interval must be positive");
        }
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("family " + name + " has no columns");
        }
        Set<String> seen = new HashSet<>();
        for (Column column : columns) {
            if (!seen.add(column.name())) {
                throw new IllegalArgumentException("family " + name + ": duplicate column " + column.name());
            }
        }
    }

    /** The column names in row order, as {@link io.pganalytics.common.wire.Snapshot#columns()} carries them. */
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** The position of a column, or -1. */
    public int indexOf(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }

    /** True when some column is a counter, i.e. snapshots carry deltas and an interval. */
    public boolean hasCounters() {
        return columns.stream().anyMatch(c -> c.role() == ColumnRole.COUNTER);
    }

    /** The key columns in order; empty for single-row families. */
    public List<Column> keyColumns() {
        return columns.stream().filter(c -> c.role() == ColumnRole.KEY).toList();
    }
}
