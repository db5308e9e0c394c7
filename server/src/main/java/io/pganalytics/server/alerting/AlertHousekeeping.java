package io.pganalytics.server.alerting;

import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.maintenance.MaintenanceConfig;
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
import java.util.Optional;

/**
 * Deletes what alerting keeps past {@code alerting.history-retention}: resolved alerts, resolved incidents and finished
 * notifications (sent, failed, dropped). One node at a time (a job lease), in batches of {@link #BATCH} rows, at most
 * {@link #MAX_BATCHES} batches per table and run.
 */
final class AlertHousekeeping {
    static final String LEASE = "alerting.housekeeping";
    static final int BATCH = 5_000;
    static final int MAX_BATCHES = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AlertHousekeeping.class);

    /** What a run deleted. */
    record Report(long alerts, long incidents, long notifications) {
    }

    private final DataSource dataSource;
    private final JobLeases leases;
    private final MaintenanceConfig maintenance;
    private final AlertingConfig config;
    private final Clock clock;

    AlertHousekeeping(DataSource dataSource, JobLeases leases, MaintenanceConfig maintenance, AlertingConfig config, Clock clock) {
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
            Instant before = clock.instant().minus(config.historyRetention());
            long notifications = delete(c, held, """
                    DELETE FROM alert_notification WHERE id IN (SELECT id FROM alert_notification
                        WHERE state <> 'pending' AND created_at < ? LIMIT %d)""".formatted(BATCH), before);
            long alerts = delete(c, held, """
                    DELETE FROM alert WHERE id IN (SELECT id FROM alert WHERE state = 'resolved' AND resolved_at < ? LIMIT %d)"""
                    .formatted(BATCH), before);
            long incidents = delete(c, held, """
                    DELETE FROM alert_incident WHERE id IN (SELECT i.id FROM alert_incident i WHERE i.state = 'resolved'
                        AND i.resolved_at < ? AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.incident_id = i.id AND a.state <> 'resolved')
                        LIMIT %d)""".formatted(BATCH), before);
            if (alerts + incidents + notifications > 0) {
                LOG.info("alerting housekeeping: {} alerts, {} incidents, {} notifications older than {} deleted", alerts, incidents,
                        notifications, before);
            }
            return Optional.of(new Report(alerts, incidents, notifications));
        }
    }

    private static long delete(Connection c, JobLeases.Lease lease, String sql, Instant before) throws SQLException {
        long deleted = 0;
        for (int batch = 0; batch < MAX_BATCHES && lease.held(); batch++) {
            int n;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setTimestamp(1, Timestamp.from(before));
                n = ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            deleted += n;
            if (n < BATCH) {
                break;
            }
        }
        return deleted;
    }
}
