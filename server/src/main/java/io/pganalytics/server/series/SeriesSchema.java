package io.pganalytics.server.series;

import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.db.TimeSeriesDialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The time-series tables, derived from the metric catalogue. Each family {@code f} has:
 * <ul>
 *   <li>{@code ts.f}: raw snapshots: {@code instance_id, collected_at, interval_seconds} and the family's columns;</li>
 *   <li>{@code ts.f_1m} and {@code ts.f_1h} (families with numbers): rollups per instance, bucket and key:
 *       counters summed (a sum of deltas is the delta over the bucket), numeric gauges as avg/min/max/last,
 *       other gauges and labels as last, with the number of samples and the seconds the counters cover.</li>
 * </ul>
 * The versioned migrations in db-migrations hold this class's output; {@code SeriesSchemaTest} fails when the catalogue
 * and the migrations drift apart, and prints the SQL a new migration needs.
 */
public final class SeriesSchema {
    public static final String SCHEMA = "ts";
    /** Families that are events or reference data, not measurements: kept raw only. */
    private static final Set<String> NO_ROLLUP = Set.of("settings", "statement_texts", "locks", "replication", "wal_receiver",
            "archiver");
    /**
     * Families added to the catalogue after the first schema: their tables come from a migration of their own
     * ({@link #addedFamilyDdl}), never from {@link #ddl} (the first migration, {@code 1.1__families.sql}, is history).
     */
    public static final List<Family> ADDED_LATER = List.of(MetricCatalog.ARCHIVER);

    private SeriesSchema() {
    }

    public enum Resolution {
        RAW(""), MINUTE("_1m"), HOUR("_1h");

        private final String suffix;

        Resolution(String suffix) {
            this.suffix = suffix;
        }

        public String table(Family family) {
            return SCHEMA + "." + family.name() + suffix;
        }

        /** The time column: {@code collected_at} for raw rows, {@code bucket} for rollups. */
        public String timeColumn() {
            return this == RAW ? "collected_at" : "bucket";
        }

        public String bucketWidth() {
            return switch (this) {
                case RAW -> throw new IllegalStateException("raw rows have no bucket");
                case MINUTE -> "1 minute";
                case HOUR -> "1 hour";
            };
        }
    }

    public static boolean hasRollups(Family family) {
        return !NO_ROLLUP.contains(family.name())
                && family.columns().stream().anyMatch(c -> c.role() == ColumnRole.COUNTER || c.role() == ColumnRole.GAUGE);
    }

    /** The columns every raw table starts with, before the family's own. */
    public static List<String> rawPrefixColumns() {
        return List.of("instance_id", "collected_at", "interval_seconds");
    }

    public static String sqlType(ColumnType type) {
        return switch (type) {
            case TEXT -> "text";
            case INT8 -> "bigint";
            case FLOAT8 -> "double precision";
            case BOOL -> "boolean";
            case TIMESTAMPTZ -> "timestamptz";
        };
    }

    /** Whether a gauge is averaged and bounded in rollups (numbers) or only carried as its last value. */
    public static boolean isNumeric(ColumnType type) {
        return type == ColumnType.INT8 || type == ColumnType.FLOAT8;
    }

    /** The rollup columns a catalogue column becomes, in table order. */
    public static List<RollupColumn> rollupColumns(Column column) {
        String n = column.name();
        return switch (column.role()) {
            case KEY -> List.of(new RollupColumn(n, sqlType(column.type()), RollupColumn.Kind.KEY, column));
            case COUNTER -> List.of(new RollupColumn(n, sqlType(column.type()), RollupColumn.Kind.SUM, column));
            case GAUGE -> isNumeric(column.type())
                    ? List.of(new RollupColumn(n + "_avg", "double precision", RollupColumn.Kind.AVG, column),
                    new RollupColumn(n + "_min", sqlType(column.type()), RollupColumn.Kind.MIN, column),
                    new RollupColumn(n + "_max", sqlType(column.type()), RollupColumn.Kind.MAX, column),
                    new RollupColumn(n + "_last", sqlType(column.type()), RollupColumn.Kind.LAST, column))
                    : List.of(new RollupColumn(n + "_last", sqlType(column.type()), RollupColumn.Kind.LAST, column));
            case LABEL -> List.of(new RollupColumn(n + "_last", sqlType(column.type()), RollupColumn.Kind.LAST, column));
        };
    }

    /**
     * One column of a rollup table.
     *
     * @param name   its name in the rollup table
     * @param sqlType its SQL type
     * @param kind   how it aggregates the raw column
     * @param source the catalogue column it aggregates
     */
    public record RollupColumn(String name, String sqlType, Kind kind, Column source) {
        public enum Kind { KEY, SUM, AVG, MIN, MAX, LAST }

        /**
         * The aggregate over raw rows (or, with {@code fromRollup}, over the finer rollup's rows) that fills this
         * column. {@code last} is the value of the latest row in the bucket: TimescaleDB's {@code last()} where it
         * exists (continuous aggregates accept it), an ordered {@code array_agg} otherwise.
         */
        public String aggregate(boolean fromRollup, String timeColumn, TimeSeriesDialect dialect) {
            String src = fromRollup ? name : source.name();
            return switch (kind) {
                case KEY -> src;
                case SUM -> source.type() == ColumnType.INT8 ? "sum(" + src + ")::bigint" : "sum(" + src + ")";
                // an average of averages, weighted by each one's sample count
                case AVG -> fromRollup
                        ? "sum(" + src + " * samples) / nullif(sum(CASE WHEN " + src + " IS NOT NULL THEN samples END), 0)"
                        : "avg(" + src + ")";
                case MIN -> "min(" + src + ")";
                case MAX -> "max(" + src + ")";
                case LAST -> dialect == TimeSeriesDialect.TIMESCALEDB
                        ? "last(" + src + ", " + timeColumn + ")"
                        : "(array_agg(" + src + " ORDER BY " + timeColumn + " DESC))[1]";
            };
        }
    }

    /**
     * The SELECT that computes a rollup from the next finer resolution (raw rows for 1-minute buckets, 1-minute
     * buckets for 1-hour ones). The plain dialect's rollup job runs it for a time window
     * ({@code WHERE <time> >= ? AND <time> < ?} is appended before the GROUP BY by {@link #rollupSelect(Family,
     * Resolution, TimeSeriesDialect, boolean)}); TimescaleDB defines the continuous aggregate with it.
     */
    public static String rollupSelect(Family family, Resolution resolution, TimeSeriesDialect dialect, boolean windowed) {
        if (resolution == Resolution.RAW) {
            throw new IllegalArgumentException("raw rows are not a rollup");
        }
        boolean fromRollup = resolution == Resolution.HOUR;
        Resolution source = fromRollup ? Resolution.MINUTE : Resolution.RAW;
        String time = source.timeColumn();
        String bucket = dialect == TimeSeriesDialect.TIMESCALEDB
                ? "time_bucket(INTERVAL '" + resolution.bucketWidth() + "', " + time + ")"
                : "date_trunc('" + (resolution == Resolution.MINUTE ? "minute" : "hour") + "', " + time + ")";
        List<String> select = new ArrayList<>();
        List<String> groupBy = new ArrayList<>(List.of("instance_id", bucket));
        select.add("instance_id");
        select.add(bucket + " AS bucket");
        select.add(fromRollup ? "sum(samples)::integer AS samples" : "count(*)::integer AS samples");
        select.add("sum(interval_seconds) AS interval_seconds");
        for (Column column : family.columns()) {
            for (RollupColumn rollup : rollupColumns(column)) {
                select.add(rollup.aggregate(fromRollup, time, dialect) + " AS " + rollup.name());
                if (rollup.kind() == RollupColumn.Kind.KEY) {
                    groupBy.add(rollup.name());
                }
            }
        }
        return "SELECT " + String.join(",\n       ", select) + "\nFROM " + source.table(family)
                + (windowed ? "\nWHERE " + time + " >= ? AND " + time + " < ?" : "")
                + "\nGROUP BY " + String.join(", ", groupBy);
    }

    /** The rollup table's columns in order, as {@link #rollupSelect} produces them. */
    public static List<String> rollupTableColumns(Family family) {
        List<String> columns = new ArrayList<>(List.of("instance_id", "bucket", "samples", "interval_seconds"));
        for (Column column : family.columns()) {
            for (RollupColumn rollup : rollupColumns(column)) {
                columns.add(rollup.name());
            }
        }
        return columns;
    }

    /** The rollup table's key columns: instance, bucket and the family's keys. */
    public static List<String> rollupKeyColumns(Family family) {
        List<String> keys = new ArrayList<>(List.of("instance_id", "bucket"));
        family.keyColumns().forEach(c -> keys.add(c.name()));
        return keys;
    }

    /**
     * The expressions of the rollup table's unique index, which is also the {@code ON CONFLICT} target of the plain
     * dialect's rollup job. A key may be NULL (a backend waiting on no event, a database-less background worker), and a
     * unique index treats NULLs as distinct, so a rerun would add a second row where it should update the first.
     * {@code NULLS NOT DISTINCT} needs PostgreSQL 15, so each key is indexed as the pair ({@code key IS NULL},
     * {@code coalesce(key, zero)}): one-to-one with the key's values including NULL, while the column keeps its NULL.
     */
    public static List<String> rollupConflictTarget(Family family) {
        List<String> target = new ArrayList<>(List.of("instance_id", "bucket"));
        for (Column key : family.keyColumns()) {
            target.add("(" + key.name() + " IS NULL)");
            target.add("(coalesce(" + key.name() + ", " + zero(key.type()) + "))");
        }
        return target;
    }

    private static String zero(ColumnType type) {
        return switch (type) {
            case TEXT -> "''";
            case INT8 -> "0";
            case FLOAT8 -> "0.0";
            case BOOL -> "false";
            case TIMESTAMPTZ -> "'-infinity'::timestamptz";
        };
    }

    /** The families of the first schema (the catalogue without {@link #ADDED_LATER}), in catalogue order. */
    public static List<Family> firstFamilies() {
        return MetricCatalog.ALL.stream().filter(f -> !ADDED_LATER.contains(f)).toList();
    }

    /**
     * The migration that adds a family to an existing schema: its raw table (and rollups if it has them), as
     * {@link #ddl} would have made them; for TimescaleDB its policies start at their staggered offsets
     * ({@code staggerStatements}, from the maintenance package, are appended by the caller that knows them).
     */
    public static String addedFamilyDdl(Family family, TimeSeriesDialect dialect) {
        StringBuilder sql = new StringBuilder();
        sql.append("-- Generated from the metric catalogue by io.pganalytics.server.series.SeriesSchema.addedFamilyDdl for the ")
                .append(dialect.folder()).append(" dialect: family ").append(family.name())
                .append(". Do not edit: change the catalogue and add a migration.\n\n");
        rawTable(sql, family, dialect);
        if (hasRollups(family)) {
            rollupTable(sql, family, Resolution.MINUTE, dialect);
            rollupTable(sql, family, Resolution.HOUR, dialect);
        }
        return sql.toString();
    }

    /** Every statement of the first time-series schema for a dialect, in order, ending with semicolons. */
    public static String ddl(TimeSeriesDialect dialect) {
        StringBuilder sql = new StringBuilder();
        sql.append("-- Generated from the metric catalogue (revision ").append(MetricCatalog.VERSION)
                .append(") by io.pganalytics.server.series.SeriesSchema for the ")
                .append(dialect.folder()).append(" dialect. Do not edit: change the catalogue and add a migration.\n");
        for (Family family : firstFamilies()) {
            if (family == MetricCatalog.STATEMENT_TEXTS) {
                continue;
            }
            sql.append('\n');
            rawTable(sql, family, dialect);
            if (hasRollups(family)) {
                rollupTable(sql, family, Resolution.MINUTE, dialect);
                rollupTable(sql, family, Resolution.HOUR, dialect);
            }
        }
        sql.append('\n').append(statementTextTable());
        return sql.toString();
    }

    private static void rawTable(StringBuilder sql, Family family, TimeSeriesDialect dialect) {
        String table = Resolution.RAW.table(family);
        List<String> columns = new ArrayList<>();
        columns.add("instance_id bigint NOT NULL");
        columns.add("collected_at timestamptz NOT NULL");
        columns.add("interval_seconds double precision");
        for (Column column : family.columns()) {
            columns.add(column.name() + " " + sqlType(column.type()));
        }
        sql.append("CREATE TABLE ").append(table).append(" (\n    ").append(String.join(",\n    ", columns)).append("\n)");
        sql.append(dialect == TimeSeriesDialect.PLAIN ? " PARTITION BY RANGE (collected_at);\n" : ";\n");
        sql.append("CREATE INDEX ").append(family.name()).append("_instance_time ON ").append(table)
                .append(" (instance_id, collected_at DESC);\n");
        if (dialect == TimeSeriesDialect.PLAIN) {
            sql.append("CREATE INDEX ").append(family.name()).append("_time_brin ON ").append(table)
                    .append(" USING brin (collected_at);\n");
        } else {
            hypertable(sql, table, "collected_at", "1 day", family);
        }
    }

    private static void rollupTable(StringBuilder sql, Family family, Resolution resolution, TimeSeriesDialect dialect) {
        String table = resolution.table(family);
        if (dialect == TimeSeriesDialect.TIMESCALEDB) {
            // A continuous aggregate with the very SELECT the plain dialect's rollup job runs.
            sql.append("CREATE MATERIALIZED VIEW ").append(table).append(" WITH (timescaledb.continuous) AS\n")
                    .append(rollupSelect(family, resolution, dialect, false)).append("\nWITH NO DATA;\n");
            sql.append("SELECT add_continuous_aggregate_policy('").append(table).append("', start_offset => INTERVAL '")
                    .append(resolution == Resolution.MINUTE ? "3 hours" : "3 days").append("', end_offset => INTERVAL '")
                    .append(resolution == Resolution.MINUTE ? "1 minute" : "1 hour").append("', schedule_interval => INTERVAL '")
                    .append(resolution == Resolution.MINUTE ? "1 minute" : "15 minutes").append("');\n");
            return;
        }
        List<String> columns = new ArrayList<>();
        columns.add("instance_id bigint NOT NULL");
        columns.add("bucket timestamptz NOT NULL");
        columns.add("samples integer NOT NULL");
        columns.add("interval_seconds double precision");
        for (Column column : family.columns()) {
            for (RollupColumn rollup : rollupColumns(column)) {
                columns.add(rollup.name() + " " + rollup.sqlType());
            }
        }
        sql.append("CREATE TABLE ").append(table).append(" (\n    ").append(String.join(",\n    ", columns))
                .append("\n) PARTITION BY RANGE (bucket);\n");
        // The rollup job rewrites whole buckets; the unique key makes a rerun idempotent (ON CONFLICT DO UPDATE).
        sql.append("CREATE UNIQUE INDEX ").append(family.name()).append(resolution.suffix).append("_key ON ").append(table)
                .append(" (").append(String.join(", ", rollupConflictTarget(family))).append(");\n");
    }

    private static void hypertable(StringBuilder sql, String table, String timeColumn, String chunk, Family family) {
        sql.append("SELECT create_hypertable('").append(table).append("', by_range('").append(timeColumn)
                .append("', INTERVAL '").append(chunk).append("'));\n");
        sql.append("ALTER TABLE ").append(table).append(" SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', ")
                .append("timescaledb.compress_orderby = '").append(timeColumn).append(" DESC');\n");
        // Defaults; the maintenance job moves the retention policies to the configured values at start.
        sql.append("SELECT add_compression_policy('").append(table).append("', INTERVAL '2 days');\n");
        sql.append("SELECT add_retention_policy('").append(table).append("', INTERVAL '14 days');\n");
    }

    /** Query texts, once per (instance, database, queryid): reference data, not a time series. */
    private static String statementTextTable() {
        return """
                CREATE TABLE ts.statement_text (
                    instance_id bigint NOT NULL,
                    dbid bigint NOT NULL,
                    queryid bigint NOT NULL,
                    datname text,
                    query text NOT NULL,
                    first_seen_at timestamptz NOT NULL,
                    PRIMARY KEY (instance_id, dbid, queryid)
                );
                """;
    }

}
