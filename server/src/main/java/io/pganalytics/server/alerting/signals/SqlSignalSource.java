package io.pganalytics.server.alerting.signals;

import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.server.alerting.SignalSource;
import io.pganalytics.server.alerting.signals.Signals.PerTime;
import io.pganalytics.server.alerting.signals.Signals.Signal;
import io.pganalytics.server.alerting.signals.Signals.Special;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signals from the stored series: one SQL statement per signal per read, over every instance asked for (up to
 * {@link #MAX_INSTANCES_PER_READ} a statement), so that an
 * evaluation round costs one statement per signal its rules name whatever the number of rules and instances
 * (docs/ALERTING.md, "Signals"; the cost is in docs/BENCHMARKS.md). Unstepped reads compute a value per stored time
 * (whole seconds) from the raw rows; stepped reads one value per step, from the 1-hour rollups when the step is a whole
 * number of hours, the 1-minute rollups when it is a whole number of minutes, else (and for families without rollups)
 * from the raw rows. A value is at its time's whole second, or at the start of its step.
 */
public final class SqlSignalSource implements SignalSource {
    /** The most instances one statement reads: a read of more takes one statement per slice of this size. */
    public static final int MAX_INSTANCES_PER_READ = 10_000;

    private final List<SignalInfo> catalogue = Signals.all().values().stream().map(Signal::info).toList();

    @Override
    public List<SignalInfo> catalogue() {
        return catalogue;
    }

    @Override
    public boolean knows(String signal) {
        return signal != null && Signals.all().containsKey(signal);
    }

    @Override
    public Map<Long, List<Point>> read(Connection c, String signal, long[] instanceIds, Instant from, Instant to, Duration step,
                                       int maxPerInstance) throws SQLException {
        Signal definition = Signals.all().get(signal);
        if (definition == null) {
            throw new IllegalArgumentException("unknown signal " + signal);
        }
        if (step != null && step.toSeconds() < 1) {
            throw new IllegalArgumentException("signal " + signal + ": step must be at least 1 s, was " + step);
        }
        Map<Long, List<Point>> values = new LinkedHashMap<>();
        if (instanceIds.length == 0 || maxPerInstance <= 0 || !from.isBefore(to)) {
            return values;
        }
        for (int start = 0; start < instanceIds.length; start += MAX_INSTANCES_PER_READ) {
            Long[] ids = new Long[Math.min(MAX_INSTANCES_PER_READ, instanceIds.length - start)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = instanceIds[start + i];
            }
            Array array = c.createArrayOf("int8", ids);
            try {
                if (definition instanceof PerTime perTime) {
                    readPerTime(c, perTime, array, from, to, step, maxPerInstance, values);
                } else {
                    SpecialReads.read(c, ((Special) definition).kind(), array, from, to, step, maxPerInstance, values);
                }
            } finally {
                array.free();
            }
        }
        return values;
    }

    private static void readPerTime(Connection c, PerTime signal, Array ids, Instant from, Instant to, Duration step, int max,
                                    Map<Long, List<Point>> values) throws SQLException {
        Resolution resolution = resolution(signal, step);
        try (PreparedStatement ps = c.prepareStatement(perTimeSql(signal, resolution, step == null ? 0 : step.toSeconds()))) {
            ps.setArray(1, ids);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            ps.setInt(4, max);
            collect(ps, values);
        }
    }

    /** The statement of a per-time signal (for plans and tests). Parameters: instance ids, from, to, the most values. */
    static String perTimeSql(PerTime signal, Resolution resolution, long stepSeconds) {
        String time = "r." + resolution.timeColumn();
        String inner = resolution == Resolution.RAW ? signal.rawInner() : signal.rollupInner();
        String value = signal.zeroWhenEmpty() ? "coalesce(" + signal.outer() + ", 0)" : signal.outer();
        String at = stepSeconds > 0 ? "(at / " + stepSeconds + ") * " + stepSeconds : "at";
        return "WITH per_time AS (\n"
                + "    SELECT r.instance_id, floor(extract(epoch FROM " + time + "))::bigint AS at, " + inner + "\n"
                + "    FROM " + resolution.table(signal.family()) + " r\n"
                + "    WHERE r.instance_id = ANY (?) AND " + time + " > ? AND " + time + " <= ?\n"
                + "    GROUP BY 1, 2),\n"
                + "per_step AS (\n"
                + "    SELECT instance_id, " + at + " AS at, (" + value + ")::float8 AS value FROM per_time GROUP BY 1, 2)\n"
                + ranked("per_step");
    }

    /** The newest {@code max} finite values per instance of a relation of (instance_id, at, value); last parameter: max. */
    static String ranked(String relation) {
        return "SELECT instance_id, at, value FROM (\n"
                + "    SELECT instance_id, at, value, row_number() OVER (PARTITION BY instance_id ORDER BY at DESC) AS newest\n"
                + "    FROM " + relation + "\n"
                + "    WHERE value IS NOT NULL AND value NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)) v\n"
                + "WHERE newest <= ?\nORDER BY instance_id, at";
    }

    /** Reads (instance_id, at, value) rows into {@code values}, oldest first per instance. */
    static void collect(PreparedStatement ps, Map<Long, List<Point>> values) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                double value = rs.getDouble(3);
                if (!rs.wasNull() && Double.isFinite(value)) {
                    values.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(new Point(rs.getLong(2), value));
                }
            }
        }
    }

    static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    /** The coarsest rollup whose bucket divides the step; raw rows without a step or without rollups. */
    static Resolution resolution(PerTime signal, Duration step) {
        if (step == null || signal.rollupInner() == null) {
            return Resolution.RAW;
        }
        long seconds = step.toSeconds();
        if (seconds % 3600 == 0) {
            return Resolution.HOUR;
        }
        return seconds % 60 == 0 ? Resolution.MINUTE : Resolution.RAW;
    }
}
