package io.pganalytics.tools.simulate;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A made-up mid-size PostgreSQL instance: 3 databases, 50 tables, 20 indexes, 200 statements (plus the "other"
 * row), a handful of sessions and wait events. Rows follow the catalogue's columns; object names are stable
 * from one interval to the next, counters are small non-negative deltas, gauges drift.
 */
public final class SyntheticInstance {
    private static final List<String> DATABASES = List.of("app", "reporting", "postgres");
    private static final Map<Family, Integer> ROWS_PER_INTERVAL = rowsPerInterval();
    private static final List<Family> FIRST_INTERVAL_ONLY = List.of(MetricCatalog.SETTINGS, MetricCatalog.STATEMENT_TEXTS);

    private final TargetRef target;
    private final SplittableRandom random;
    private boolean first = true;

    public SyntheticInstance(TargetRef target, long seed) {
        this.target = target;
        this.random = new SplittableRandom(seed);
    }

    public TargetRef target() {
        return target;
    }

    private static Map<Family, Integer> rowsPerInterval() {
        Map<Family, Integer> rows = new LinkedHashMap<>();
        rows.put(MetricCatalog.INSTANCE, 1);
        rows.put(MetricCatalog.SETTINGS, 20);
        rows.put(MetricCatalog.DATABASE, DATABASES.size());
        rows.put(MetricCatalog.ACTIVITY, DATABASES.size());
        rows.put(MetricCatalog.WAIT_EVENTS, 8);
        rows.put(MetricCatalog.STATEMENTS, 201);
        rows.put(MetricCatalog.STATEMENT_TEXTS, 200);
        rows.put(MetricCatalog.TABLES, 50);
        rows.put(MetricCatalog.INDEXES, 20);
        rows.put(MetricCatalog.BGWRITER, 1);
        rows.put(MetricCatalog.WAL, 1);
        rows.put(MetricCatalog.IO, 6);
        rows.put(MetricCatalog.LOCKS, 2);
        rows.put(MetricCatalog.VACUUM, 1);
        rows.put(MetricCatalog.HOST_CPU, 1);
        rows.put(MetricCatalog.HOST_MEMORY, 1);
        rows.put(MetricCatalog.HOST_LOAD, 1);
        return rows;
    }

    /** One interval's snapshots of every simulated family. */
    public List<Snapshot> collect(Instant now, double intervalSeconds) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (Map.Entry<Family, Integer> entry : ROWS_PER_INTERVAL.entrySet()) {
            Family family = entry.getKey();
            if (!first && FIRST_INTERVAL_ONLY.contains(family)) {
                continue;
            }
            List<List<Object>> rows = new ArrayList<>(entry.getValue());
            for (int i = 0; i < entry.getValue(); i++) {
                rows.add(row(family, i, now));
            }
            snapshots.add(new Snapshot(target, family.name(), now, family.hasCounters() ? intervalSeconds : null,
                    family.columnNames(), rows));
        }
        first = false;
        return snapshots;
    }

    private List<Object> row(Family family, int index, Instant now) {
        return row(family, index, now, random);
    }

    /**
     * One synthetic row of {@code family} in catalogue column order: the key follows {@code index} (stable from one
     * interval to the next), counters are small deltas, gauges drift. The benchmark's history generator uses it.
     */
    public static List<Object> row(Family family, int index, Instant now, SplittableRandom random) {
        List<Object> row = new ArrayList<>(family.columns().size());
        for (Column column : family.columns()) {
            row.add(value(family, column, index, now, random));
        }
        return row;
    }

    private static Object value(Family family, Column column, int index, Instant now, SplittableRandom random) {
        return switch (column.type()) {
            case TEXT -> text(family, column, index);
            case INT8 -> column.role() == ColumnRole.KEY ? (long) index + 1 : (long) random.nextInt(0, 5_000);
            case FLOAT8 -> Math.round(random.nextDouble(0, 10_000) * 1000) / 1000.0;
            case BOOL -> column.role() == ColumnRole.KEY || random.nextInt(10) > 0;
            case TIMESTAMPTZ -> now.minusSeconds(86_400L + index).toString();
        };
    }

    private static String text(Family family, Column column, int index) {
        String name = column.name();
        if (name.equals("datname")) {
            return DATABASES.get(index % DATABASES.size());
        }
        if (name.equals("query")) {
            return "SELECT * FROM app.table_" + (index % 50) + " WHERE id = $1 /* statement " + index + " */";
        }
        if (column.role() == ColumnRole.KEY) {
            return name + "_" + index;
        }
        return family.name() + "-" + name;
    }
}
