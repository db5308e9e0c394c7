package io.pganalytics.tools.bench;

import io.pganalytics.collector.ship.LatencyHistogram;
import io.pganalytics.tools.simulate.SyntheticInstance;
import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.ColumnType;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Dashboard latency: a week of history for every instance written with COPY straight into the raw and rollup tables
 * (it need not come through ingest), then the query API timed from the client, cold (each request distinct, so the
 * result cache misses; PostgreSQL's buffers are warm) and cached (the same request again).
 */
final class DashboardBench {
    /** What was generated, for the report. */
    record History(int instances, int days, Duration step, long rows, double seconds) {
    }

    private static final List<String> DATABASES = List.of("app", "reporting", "postgres");

    private DashboardBench() {
    }

    /**
     * Writes the history up to {@code end}: database snapshots raw for 6 h at 1 min (the 1-hour series), as 1-minute
     * rollups for {@code days} at {@code step} and 1-hour rollups for {@code days} (the 24-hour and 7-day series),
     * and statements raw for the last hour at {@code step} (top queries). Coarsest first: the server's rollup job
     * then finds its buckets taken and updates them, where the other order would make this COPY collide with it.
     */
    static History generate(ServerDatabase database, List<Long> instanceIds, int days, Duration step, Instant end,
                            PrintStream out) throws SQLException, IOException {
        long started = System.nanoTime();
        Instant endMinute = end.truncatedTo(ChronoUnit.MINUTES);
        Instant start = endMinute.minus(Duration.ofDays(days));
        long rows = 0;
        try (Connection c = database.connectAsServer()) {
            c.setAutoCommit(true);
            partitions(c, start, endMinute);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            Family db = MetricCatalog.DATABASE;
            rows += copy(copy, "ts.database_1h", rollupColumns(db), instanceIds, start.truncatedTo(ChronoUnit.HOURS),
                    endMinute.truncatedTo(ChronoUnit.HOURS), Duration.ofHours(1), (id, t, random, sink) -> {
                        for (int i = 0; i < DATABASES.size(); i++) {
                            sink.add(rollup(db, id, t, 60, 3600.0, SyntheticInstance.row(db, i, t, random)));
                        }
                    });
            rows += copy(copy, "ts.database_1m", rollupColumns(db), instanceIds, start, endMinute, step, (id, t, random, sink) -> {
                for (int i = 0; i < DATABASES.size(); i++) {
                    sink.add(rollup(db, id, t, 1, 60.0, SyntheticInstance.row(db, i, t, random)));
                }
            });
            rows += copy(copy, "ts.database", rawColumns(db), instanceIds, endMinute.minus(Duration.ofHours(6)), endMinute,
                    Duration.ofMinutes(1), (id, t, random, sink) -> {
                        for (int i = 0; i < DATABASES.size(); i++) {
                            sink.add(raw(id, t, 60.0, SyntheticInstance.row(db, i, t, random)));
                        }
                    });
            out.println("bench: history: ts.database rollups and raw rows written (" + rows + " rows so far)");
            Family st = MetricCatalog.STATEMENTS;
            rows += copy(copy, "ts.statements", rawColumns(st), instanceIds, endMinute.minus(Duration.ofHours(1)), endMinute,
                    step, (id, t, random, sink) -> {
                        for (int i = 0; i < 201; i++) {
                            sink.add(raw(id, t, 60.0, SyntheticInstance.row(st, i, t, random)));
                        }
                    });
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE ts.database");
                s.execute("ANALYZE ts.database_1m");
                s.execute("ANALYZE ts.database_1h");
                s.execute("ANALYZE ts.statements");
            }
        }
        return new History(instanceIds.size(), days, step, rows, (System.nanoTime() - started) / 1e9);
    }

    private interface RowsAt {
        void rows(long instanceId, Instant at, SplittableRandom random, List<List<Object>> sink);
    }

    private static long copy(CopyManager copy, String table, List<String> columns, List<Long> instanceIds, Instant from,
                             Instant to, Duration step, RowsAt generator) throws SQLException, IOException {
        long rows = 0;
        SplittableRandom random = new SplittableRandom(table.hashCode());
        CopyText text = new CopyText();
        List<List<Object>> sink = new ArrayList<>();
        String sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN";
        for (long id : instanceIds) {
            for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
                generator.rows(id, t, random, sink);
            }
            sink.forEach(text::row);
            sink.clear();
            if (text.rows() >= 50_000) {
                rows += text.rows();
                copy.copyIn(sql, new ByteArrayInputStream(text.bytes()));
                text.clear();
            }
        }
        if (!text.isEmpty()) {
            rows += text.rows();
            copy.copyIn(sql, new ByteArrayInputStream(text.bytes()));
        }
        return rows;
    }

    private static List<String> rawColumns(Family family) {
        List<String> columns = new ArrayList<>(List.of("instance_id", "collected_at", "interval_seconds"));
        columns.addAll(family.columnNames());
        return columns;
    }

    private static List<Object> raw(long id, Instant at, double seconds, List<Object> row) {
        List<Object> values = new ArrayList<>(row.size() + 3);
        values.add(id);
        values.add(at);
        values.add(seconds);
        values.addAll(row);
        return values;
    }

    /** The rollup table's columns, as the server's SeriesSchema derives them from the catalogue. */
    private static List<String> rollupColumns(Family family) {
        List<String> columns = new ArrayList<>(List.of("instance_id", "bucket", "samples", "interval_seconds"));
        for (Column column : family.columns()) {
            String n = column.name();
            switch (rollupKind(column)) {
                case PLAIN -> columns.add(n);
                case STATS -> columns.addAll(List.of(n + "_avg", n + "_min", n + "_max", n + "_last"));
                case LAST -> columns.add(n + "_last");
            }
        }
        return columns;
    }

    private enum RollupKind { PLAIN, STATS, LAST }

    private static RollupKind rollupKind(Column column) {
        return switch (column.role()) {
            case KEY, COUNTER -> RollupKind.PLAIN;
            case GAUGE -> column.type() == ColumnType.INT8 || column.type() == ColumnType.FLOAT8 ? RollupKind.STATS : RollupKind.LAST;
            case LABEL -> RollupKind.LAST;
        };
    }

    /** A rollup row of one sample: sums are the value, gauges' avg, min, max and last all the value. */
    private static List<Object> rollup(Family family, long id, Instant bucket, int samples, double seconds, List<Object> row) {
        List<Object> values = new ArrayList<>(List.of(id, bucket, samples, seconds));
        for (int i = 0; i < family.columns().size(); i++) {
            Column column = family.columns().get(i);
            Object v = row.get(i);
            switch (rollupKind(column)) {
                case PLAIN, LAST -> values.add(v);
                case STATS -> {
                    values.add(v == null ? null : ((Number) v).doubleValue());
                    values.add(v);
                    values.add(v);
                    values.add(v);
                }
            }
        }
        return values;
    }

    private static void partitions(Connection c, Instant start, Instant end) throws SQLException {
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(end, ZoneOffset.UTC);
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (Family family : List.of(MetricCatalog.DATABASE, MetricCatalog.STATEMENTS)) {
                ServerDatabase.ensurePartition(c, "ts." + family.name(), day, day.plusDays(1));
                LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                ServerDatabase.ensurePartition(c, "ts." + family.name() + "_1m", monday, monday.plusWeeks(1));
                LocalDate month = day.withDayOfMonth(1);
                ServerDatabase.ensurePartition(c, "ts." + family.name() + "_1h", month, month.plusMonths(1));
            }
        }
    }

    /** Latency per route, cold and cached. */
    record Latencies(Map<String, LatencyHistogram> cold, Map<String, LatencyHistogram> cached) {
    }

    /** Times {@code rounds} requests of each route cold, then each route cached. */
    static Latencies measure(AdminApi api, List<Long> instanceIds, int rounds, Instant now)
            throws IOException, InterruptedException {
        Map<String, LatencyHistogram> cold = new LinkedHashMap<>();
        Map<String, LatencyHistogram> cached = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        Instant to = now.truncatedTo(ChronoUnit.SECONDS);
        for (int r = 0; r < rounds; r++) {
            long id = instanceIds.get(random.nextInt(instanceIds.size()));
            // a distinct 'to' (a few seconds apart) makes every cold request a different cache key
            Instant distinctTo = to.minusSeconds(r);
            for (Map.Entry<String, String> route : routes(id, distinctTo, 91 + r % 10, r / 10 % 10).entrySet()) {
                time(api, route.getValue(), cold.computeIfAbsent(route.getKey(), k -> new LatencyHistogram()));
            }
        }
        List<Long> few = instanceIds.subList(0, Math.min(10, instanceIds.size()));
        for (long id : few) {
            routes(id, to, 100, 0).values().forEach(path -> {
                try {
                    api.get(path);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int r = 0; r < rounds; r++) {
            long id = few.get(r % few.size());
            for (Map.Entry<String, String> route : routes(id, to, 100, 0).entrySet()) {
                time(api, route.getValue(), cached.computeIfAbsent(route.getKey(), k -> new LatencyHistogram()));
            }
        }
        return new Latencies(cold, cached);
    }

    private static Map<String, String> routes(long id, Instant to, int fleetLimit, int fleetOffset) {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("fleet (100 of 500)", "instances?limit=" + fleetLimit + "&offset=" + fleetOffset);
        routes.put("series tps 1 h", series(id, to, Duration.ofHours(1)));
        routes.put("series tps 24 h", series(id, to, Duration.ofHours(24)));
        routes.put("series tps 7 d", series(id, to, Duration.ofDays(7)));
        routes.put("top queries 1 h", "instances/" + id + "/queries/top?from=" + to.minus(Duration.ofHours(1)) + "&to=" + to);
        return routes;
    }

    private static String series(long id, Instant to, Duration range) {
        return "instances/" + id + "/series?metric=tps&from=" + to.minus(range) + "&to=" + to;
    }

    private static void time(AdminApi api, String path, LatencyHistogram histogram) throws IOException, InterruptedException {
        long start = System.nanoTime();
        api.get(path);
        histogram.record(Duration.ofNanos(System.nanoTime() - start));
    }
}
