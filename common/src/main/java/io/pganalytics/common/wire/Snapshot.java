package io.pganalytics.common.wire;

import java.time.Instant;
import java.util.List;

/**
 * One collection of one metric family on one target.
 * <p>
 * Rows are positional, in the order of {@code columns}; the column names and types of each family are those
 * of the metric catalogue model. Counter columns hold per-interval differences (never cumulative values),
 * and {@code intervalSeconds} is the length of the interval they cover; gauge-only families carry null.
 *
 * @param target          which monitored PostgreSQL instance
 * @param family          the metric family's name in the catalogue ({@code database}, {@code statements}, ...)
 * @param collectedAt     when the sample was read (the server's clock check uses it)
 * @param intervalSeconds the length of the delta interval, or null for gauges
 * @param columns         the column names, in row order
 * @param rows            the values; each row has exactly {@code columns.size()} entries
 */
public record Snapshot(TargetRef target,
                       String family,
                       Instant collectedAt,
                       Double intervalSeconds,
                       List<String> columns,
                       List<List<Object>> rows) {
    public Snapshot {
        columns = columns == null ? List.of() : List.copyOf(columns);
        rows = rows == null ? List.of() : rows.stream().map(row -> row == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(row))).toList();
    }
}
