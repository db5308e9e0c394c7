package io.pganalytics.collector.catalog;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the collectors of this package and of {@code collector.host}. */
public final class Snapshots {
    private Snapshots() {
    }

    /** A snapshot of a family with rows already in its column order. */
    public static Snapshot of(TargetRef target, Family family, Instant at, Double intervalSeconds, List<List<Object>> rows) {
        return new Snapshot(target, family.name(), at, intervalSeconds, family.columnNames(), rows);
    }

    /** The types to read a family's columns as, followed by {@code markers} timestamp columns. */
    public static List<ColumnType> readTypes(Family family, int markers) {
        List<ColumnType> types = new ArrayList<>(family.columns().stream().map(Column::type).toList());
        for (int i = 0; i < markers; i++) {
            types.add(ColumnType.TIMESTAMPTZ);
        }
        return types;
    }
}
