package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Partitions and retention. Plain dialect: partitions are created ahead (raw: today and the next two days; 1-minute:
 * this ISO week and the next; 1-hour: this month and the next) and a partition is dropped once its whole period is
 * older than the retention of its family and resolution, so a partition that still holds a row inside retention
 * stays. Both dialects: query texts no longer in use and expired idempotency records are deleted.
 */
final class RetentionJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    /** Rows deleted per statement, so that no single statement holds many locks or runs long. */
    static final int DELETE_BATCH = 10_000;
    private static final int MAX_DELETE_BATCHES = 100;

    private final TimeSeriesDialect dialect;
    private final Partitions partitions;
    private final MaintenanceConfig config;
    private final Clock clock;
    private final MaintenanceFigures figures;

    RetentionJob(TimeSeriesDialect dialect, Partitions partitions, MaintenanceConfig config, Clock clock, MaintenanceFigures figures) {
        this.dialect = dialect;
        this.partitions = partitions;
        this.config = config;
        this.clock = clock;
        this.figures = figures;
    }

    /** @param effective the retention to apply: the configuration with the values changed at runtime over it */
    RetentionReport run(Connection connection, MaintenanceConfig effective, BooleanSupplier mayContinue) throws SQLException {
        Instant now = clock.instant();
        int created = 0;
        List<String> dropped = new ArrayList<>();
        if (dialect == TimeSeriesDialect.PLAIN) {
            for (Family family : MetricCatalog.ALL) {
                if (family == MetricCatalog.STATEMENT_TEXTS) {
                    continue;
                }
                if (!mayContinue.getAsBoolean()) {
                    return new RetentionReport(created, dropped, 0, 0, 0, false);
                }
                List<Resolution> resolutions = SeriesSchema.hasRollups(family) ? List.of(Resolution.values()) : List.of(Resolution.RAW);
                for (Resolution resolution : resolutions) {
                    created += createAhead(connection, family, resolution, now);
                    dropped.addAll(dropExpired(connection, effective.retentionOf(family).of(resolution), family, resolution, now));
                }
            }
        }
        long texts = pruneStatementTexts(connection, effective.retentionOf(MetricCatalog.STATEMENTS), now);
        long batches = pruneIngestBatches(connection, now, mayContinue);
        return new RetentionReport(created, dropped, texts, batches, 0, true);
    }

    private int createAhead(Connection connection, Family family, Resolution resolution, Instant now) throws SQLException {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<LocalDate> days = switch (resolution) {
            case RAW -> List.of(today, today.plusDays(1), today.plusDays(2));
            case MINUTE -> List.of(today, today.plusWeeks(1));
            case HOUR -> List.of(today, today.withDayOfMonth(1).plusMonths(1));
        };
        int created = 0;
        for (LocalDate day : days) {
            if (partitions.ensure(connection, family, resolution, day.atStartOfDay(ZoneOffset.UTC).toInstant())) {
                created++;
                figures.partitionCreated(resolution);
            }
        }
        return created;
    }

    private List<String> dropExpired(Connection connection, java.time.Duration retention, Family family, Resolution resolution,
                                     Instant now) throws SQLException {
        Instant cutoff = now.minus(retention);
        List<String> dropped = new ArrayList<>();
        List<Partitions.Partition> existing = Partitions.list(connection, family, resolution);
        connection.commit();
        for (Partitions.Partition partition : existing) {
            // the period's end is exclusive: when it is not after the cutoff, every row the partition can hold is expired
            if (partition.period().end().atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
                continue;
            }
            if (drop(connection, partition.name())) {
                partitions.forget(partition.name());
                figures.partitionDropped(resolution);
                dropped.add(partition.name());
            }
        }
        return dropped;
    }

    /**
     * Drops one partition. Dropping a partition locks its parent, so the wait for that lock is bounded: a long
     * query on the family makes this partition wait for the next run instead of queueing the ingest behind it.
     */
    private static boolean drop(Connection connection, String partition) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '5s'");
            st.execute("DROP TABLE IF EXISTS " + partition);
            connection.commit();
            LOG.info("retention: dropped partition {}", partition);
            return true;
        } catch (SQLException e) {
            connection.rollback();
            if ("55P03".equals(e.getSQLState())) {
                LOG.warn("retention: partition {} is busy (lock timeout); it is dropped on a later run", partition);
                return false;
            }
            throw new SQLException("dropping partition " + partition + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /**
     * Query texts are reference data for the statements family, stored once per (instance, database, queryid). A
     * text is deleted when it was first seen longer ago than the family's longest retention and its queryid is not in
     * the raw statements any more. Checking the 1-minute and 1-hour rollups too would be exact, but means an anti-join
     * over two years of hourly rows every hour; the price of the cheaper rule is that a query first seen over two
     * years ago that stopped running more than the raw retention ago loses its text while its last rollup rows stay.
     */
    private long pruneStatementTexts(Connection connection, MaintenanceConfig.Retention retention, Instant now) throws SQLException {
        java.time.Duration longest = retention.raw();
        for (Resolution resolution : Resolution.values()) {
            if (retention.of(resolution).compareTo(longest) > 0) {
                longest = retention.of(resolution);
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                DELETE FROM ts.statement_text t
                WHERE t.first_seen_at < ?
                  AND NOT EXISTS (SELECT 1 FROM ts.statements s
                                  WHERE s.instance_id = t.instance_id AND s.dbid = t.dbid AND s.queryid = t.queryid)""")) {
            ps.setObject(1, Watermarks.utc(now.minus(longest)));
            long deleted = ps.executeLargeUpdate();
            connection.commit();
            return deleted;
        }
    }

    /** Idempotency records older than {@code ingest.idempotency-retention}, in bounded batches. */
    private long pruneIngestBatches(Connection connection, Instant now, BooleanSupplier mayContinue) throws SQLException {
        long total = 0;
        try (PreparedStatement ps = connection.prepareStatement("""
                DELETE FROM ingest_batch WHERE (collector_id, batch_id) IN (
                    SELECT collector_id, batch_id FROM ingest_batch WHERE received_at < ? LIMIT ?)""")) {
            ps.setObject(1, Watermarks.utc(now.minus(config.ingestBatchRetention())));
            ps.setInt(2, DELETE_BATCH);
            for (int i = 0; i < MAX_DELETE_BATCHES && mayContinue.getAsBoolean(); i++) {
                int deleted = ps.executeUpdate();
                connection.commit();
                total += deleted;
                if (deleted < DELETE_BATCH) {
                    break;
                }
            }
        }
        return total;
    }
}
