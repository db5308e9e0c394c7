package io.pganalytics.server.anomaly;

import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.settings.RuntimeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes old anomalies (their feedback goes with them) after the 1-minute rollups' retention, as changed at runtime
 * ({@code /admin/settings/retention}) over the configuration file's, and bands after {@code anomaly.band-retention}.
 * One node at a time (a job lease), in batches of {@link #BATCH} rows, at most {@link #MAX_BATCHES} batches per table
 * and run.
 */
final class AnomalyHousekeeping {
    static final String LEASE = "anomaly.housekeeping";
    static final int BATCH = 5_000;
    static final int MAX_BATCHES = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyHousekeeping.class);

    /** What a run deleted. */
    record Report(long anomalies, long bands) {
    }

    private final DataSource dataSource;
    private final JobLeases leases;
    private final MaintenanceConfig maintenance;
    private final AnomalyConfig config;
    private final Clock clock;

    AnomalyHousekeeping(DataSource dataSource, JobLeases leases, MaintenanceConfig maintenance, AnomalyConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.leases = leases;
        this.maintenance = maintenance;
        this.config = config;
        this.clock = clock;
    }

    Duration interval() {
        return maintenance.retentionInterval();
    }

    /** Runs now if this node takes the lease; empty when another node holds it. */
    Optional<Report> runOnce() throws SQLException {
        Optional<JobLeases.Lease> lease = leases.tryAcquire(LEASE);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        try (JobLeases.Lease held = lease.get(); Connection c = dataSource.getConnection()) {
            Instant now = clock.instant();
            Instant anomaliesBefore = now.minus(minuteRetention(c));
            long anomalies = deleteBatches(c, held, """
                    DELETE FROM anomaly WHERE id IN (
                        SELECT id FROM anomaly WHERE state = 'closed' AND ended_at < ? LIMIT %d)""".formatted(BATCH), anomaliesBefore);
            long bands = deleteBatches(c, held, """
                    DELETE FROM anomaly_band WHERE (instance_id, series, hour) IN (
                        SELECT instance_id, series, hour FROM anomaly_band WHERE hour < ? LIMIT %d)""".formatted(BATCH),
                    now.minus(config.bandRetention()));
            if (anomalies + bands > 0) {
                LOG.info("anomaly housekeeping: {} anomalies ended before {} and {} band hours deleted", anomalies, anomaliesBefore, bands);
            }
            return Optional.of(new Report(anomalies, bands));
        }
    }

    private static long deleteBatches(Connection c, JobLeases.Lease lease, String sql, Instant before) throws SQLException {
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int batch = 0; batch < MAX_BATCHES && lease.held(); batch++) {
                ps.setTimestamp(1, Timestamp.from(before));
                int n = ps.executeUpdate();
                c.commit();
                deleted += n;
                if (n < BATCH) {
                    break;
                }
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        }
        return deleted;
    }

    /** The 1-minute rollups' retention in force: the runtime values over the file's (the file's alone when refused). */
    private Duration minuteRetention(Connection c) throws SQLException {
        Map<String, String> values = new LinkedHashMap<>();
        RuntimeSettings.read(c, MaintenanceConfig.RETENTION_PREFIX).forEach((k, v) -> values.put(k, v.value()));
        c.commit();
        try {
            return maintenance.withRetention(values).retention().minute();
        } catch (ConfigException e) {
            LOG.warn("anomaly housekeeping: the retention changed at runtime is refused ({}); the file's applies", e.getMessage());
            return maintenance.retention().minute();
        }
    }
}
