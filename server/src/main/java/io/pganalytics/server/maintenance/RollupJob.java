package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The plain dialect's rollups: 1-minute buckets from raw rows, then 1-hour buckets from 1-minute ones, with the very
 * SELECT TimescaleDB's continuous aggregates are defined with ({@link SeriesSchema#rollupSelect}). Only closed buckets
 * are written; each run computes the last few again for late data, and a bucket is upserted whole, so a rerun
 * rewrites the same rows. After downtime the watermark catches up at most one chunk per family and run.
 */
final class RollupJob {
    private final Partitions partitions;
    private final MaintenanceConfig config;
    private final Clock clock;
    private final MaintenanceFigures figures;

    RollupJob(Partitions partitions, MaintenanceConfig config, Clock clock, MaintenanceFigures figures) {
        this.partitions = partitions;
        this.config = config;
        this.clock = clock;
        this.figures = figures;
    }

    /** A half-open range of buckets to compute: {@code [from, to)}. */
    record Window(Instant from, Instant to) {
    }

    RollupReport run(Connection connection, BooleanSupplier mayContinue) throws SQLException {
        Instant now = clock.instant();
        long rows = 0;
        int created = 0;
        Map<Resolution, Instant> oldest = new EnumMap<>(Resolution.class);
        for (Family family : MetricCatalog.ALL) {
            if (!SeriesSchema.hasRollups(family)) {
                continue;
            }
            for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                if (!mayContinue.getAsBoolean()) {
                    return new RollupReport(rows, created, oldest, false);
                }
                Optional<Window> window = window(connection, family, resolution, now);
                if (window.isPresent()) {
                    created += ensurePartitions(connection, family, resolution, window.get());
                    rows += upsert(connection, family, resolution, window.get());
                    Watermarks.advance(connection, family, resolution, window.get().to(), now);
                    connection.commit();
                }
                Watermarks.get(connection, family, resolution)
                        .ifPresent(at -> oldest.merge(resolution, at, (a, b) -> a.isBefore(b) ? a : b));
                connection.commit();
            }
        }
        return new RollupReport(rows, created, oldest, true);
    }

    /**
     * The window to compute now: from the watermark (or, once caught up, the recompute window before the last closed
     * bucket) to at most one chunk later, never past the last closed bucket. An hour is closed only once its minutes
     * are computed: hours never run ahead of the minutes they are made of.
     */
    Optional<Window> window(Connection connection, Family family, Resolution resolution, Instant now) throws SQLException {
        boolean minute = resolution == Resolution.MINUTE;
        ChronoUnit unit = minute ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
        Instant closedEnd = now.truncatedTo(unit);
        if (!minute) {
            Optional<Instant> minutes = Watermarks.get(connection, family, Resolution.MINUTE);
            if (minutes.isEmpty()) {
                return Optional.empty();
            }
            Instant minutesEnd = minutes.get().truncatedTo(unit);
            closedEnd = minutesEnd.isBefore(closedEnd) ? minutesEnd : closedEnd;
        }
        Duration recompute = minute ? config.minuteRecompute() : config.hourRecompute();
        Duration chunk = minute ? config.minuteChunk() : config.hourChunk();
        Optional<Instant> watermark = Watermarks.get(connection, family, resolution);
        Instant start = watermark.isPresent() ? watermark.get() : firstBucket(connection, family, resolution, now, closedEnd);
        Instant recomputeFrom = closedEnd.minus(recompute);
        Instant from = start.isBefore(recomputeFrom) ? start : recomputeFrom;
        Instant limit = from.plus(chunk);
        Instant to = limit.isBefore(closedEnd) ? limit : closedEnd;
        return to.isAfter(from) ? Optional.of(new Window(from, to)) : Optional.empty();
    }

    /**
     * Where a family's first rollup starts: its oldest source row still inside both the source's and the rollup's
     * retention, or the last closed bucket when there is none.
     */
    private Instant firstBucket(Connection connection, Family family, Resolution resolution, Instant now, Instant closedEnd)
            throws SQLException {
        Resolution source = resolution == Resolution.MINUTE ? Resolution.RAW : Resolution.MINUTE;
        MaintenanceConfig.Retention retention = config.retentionOf(family);
        Instant sourceLimit = now.minus(retention.of(source));
        Instant targetLimit = now.minus(retention.of(resolution));
        Instant notBefore = sourceLimit.isAfter(targetLimit) ? sourceLimit : targetLimit;
        try (PreparedStatement ps = connection.prepareStatement("SELECT min(" + source.timeColumn() + ") FROM "
                + source.table(family) + " WHERE " + source.timeColumn() + " >= ?")) {
            ps.setObject(1, Watermarks.utc(notBefore));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime first = rs.getObject(1, OffsetDateTime.class);
                return first == null ? closedEnd
                        : first.toInstant().truncatedTo(resolution == Resolution.MINUTE ? ChronoUnit.MINUTES : ChronoUnit.HOURS);
            }
        }
    }

    /** The rollup's partitions for the window, each in a transaction of its own (nothing else is pending here). */
    private int ensurePartitions(Connection connection, Family family, Resolution resolution, Window window) throws SQLException {
        int created = 0;
        LocalDate day = LocalDate.ofInstant(window.from(), ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(window.to().minusNanos(1), ZoneOffset.UTC);
        while (!day.isAfter(last)) {
            if (partitions.ensure(connection, family, resolution, day.atStartOfDay(ZoneOffset.UTC).toInstant())) {
                created++;
                figures.partitionCreated(resolution);
            }
            day = Partitions.periodOf(resolution, day).end();
        }
        return created;
    }

    private static long upsert(Connection connection, Family family, Resolution resolution, Window window) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(upsertSql(family, resolution))) {
            ps.setObject(1, Watermarks.utc(window.from()));
            ps.setObject(2, Watermarks.utc(window.to()));
            return ps.executeLargeUpdate();
        }
    }

    /** {@code INSERT ... SELECT} of whole buckets; a bucket computed before is overwritten column by column. */
    static String upsertSql(Family family, Resolution resolution) {
        List<String> columns = SeriesSchema.rollupTableColumns(family);
        List<String> keys = SeriesSchema.rollupKeyColumns(family);
        List<String> updates = new ArrayList<>();
        for (String column : columns) {
            if (!keys.contains(column)) {
                updates.add(column + " = EXCLUDED." + column);
            }
        }
        return "INSERT INTO " + resolution.table(family) + " (" + String.join(", ", columns) + ")\n"
                + SeriesSchema.rollupSelect(family, resolution, TimeSeriesDialect.PLAIN, true)
                + "\nON CONFLICT (" + String.join(", ", SeriesSchema.rollupConflictTarget(family)) + ")\nDO UPDATE SET "
                + String.join(", ", updates);
    }
}
