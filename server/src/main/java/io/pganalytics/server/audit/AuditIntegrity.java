package io.pganalytics.server.audit;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.audit.AuditIntegrityStatus;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.crypto.Sealer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The chain's integrity on one node: the audit signing key, verification, the checkpoint and archive jobs (one node at
 * a time, by {@link JobLeases}), the retention minimum raised from configuration, and whether the database keeps the
 * audit tables out of the application's hands.
 */
public final class AuditIntegrity implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditIntegrity.class);
    private static final Duration LEASE_TTL = Duration.ofMinutes(2);

    private final AuditConfig config;
    private final DataSource dataSource;
    private final AuditSigningKeys keys;
    private final AuditVerifier verifier;
    private final AuditCheckpoints checkpoints;
    private final AuditArchiver archiver;
    private final JobLeases leases;
    private final ScheduledExecutorService scheduler;
    private volatile boolean ownershipSeparated;
    private volatile String tableOwner = "unknown";

    public AuditIntegrity(AuditConfig config, DataSource dataSource, Sealer sealer, HazelcastInstance hazelcast, Path dataDir,
                          String node, Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        this.keys = new AuditSigningKeys(dataSource, sealer, clock);
        this.verifier = new AuditVerifier(dataSource, keys::publicKeys, clock);
        this.leases = hazelcast == null ? null : new JobLeases(hazelcast, LEASE_TTL);
        this.checkpoints = new AuditCheckpoints(dataSource, keys, leases, node, clock);
        this.archiver = new AuditArchiver(config, dataSource, keys, verifier, leases, dataDir.resolve("audit-archive"), node, clock);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-audit-integrity-" + node);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Raises the retention minimum, makes the key, checks ownership, schedules the jobs. */
    public void start() {
        raiseRetentionMinimum();
        String keyId = keys.ensureKey();
        checkOwnership();
        long every = config.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> scheduled("checkpoint", checkpoints::runOnce), every, every, TimeUnit.MILLISECONDS);
        long archiveEvery = config.archiveInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> scheduled("archive", archiver::runOnce), archiveEvery, archiveEvery, TimeUnit.MILLISECONDS);
        LOG.info("audit: checkpoints signed with key {} every {}; records older than {} days archived to signed files every {};"
                        + " audit tables owned by {} ({})", keyId, config.checkpointInterval(), config.archiveAfterDaysEffective(),
                config.archiveInterval(), tableOwner, ownershipSeparated ? "separated from the application role"
                        : "NOT separated: the application role could disable the triggers; see docs/audit/integrity.md");
    }

    private void scheduled(String job, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) { // the scheduler thread's root: the next run tries again
            LOG.warn("audit: the {} job failed and runs again next time: {}", job, e.getMessage());
        }
    }

    public AuditVerification verify(Long from, Long to) {
        return verifier.verify(from, to);
    }

    public AuditVerifier verifier() {
        return verifier;
    }

    public AuditCheckpoints checkpoints() {
        return checkpoints;
    }

    public AuditArchiver archiver() {
        return archiver;
    }

    public AuditSigningKeys keys() {
        return keys;
    }

    /** {@code audit.policy} follows {@code audit.min-retention-days} upward, never downward. */
    void raiseRetentionMinimum() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE audit.policy SET min_retention_days = ? WHERE min_retention_days < ?")) {
                ps.setInt(1, config.minRetentionDays());
                ps.setInt(2, config.minRetentionDays());
                if (ps.executeUpdate() > 0) {
                    LOG.info("audit: retention minimum raised to {} days (audit.min-retention-days)", config.minRetentionDays());
                }
            }
            int stored = minRetentionDays(c);
            if (stored > config.minRetentionDays()) {
                LOG.info("audit: the database keeps records at least {} days, more than audit.min-retention-days {}: a minimum is never lowered",
                        stored, config.minRetentionDays());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot raise the retention minimum: " + e.getMessage(), e);
        }
    }

    /** Whether the application's role could change the audit tables' triggers (it owns them, is a member of the owner, or is a superuser). */
    void checkOwnership() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_get_userbyid(t.relowner),
                           NOT pg_has_role(current_user, t.relowner, 'USAGE')
                           AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                    FROM pg_class t WHERE t.oid = 'audit.record'::regclass""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                tableOwner = rs.getString(1);
                ownershipSeparated = rs.getBoolean(2);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read who owns the audit tables: " + e.getMessage(), e);
        }
    }

    public AuditIntegrityStatus status() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            long head;
            Long checkpointSeq = null;
            java.time.Instant checkpointAt = null;
            Long archivedTo = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.record"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                head = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, signed_at FROM audit.checkpoint ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    checkpointSeq = rs.getLong(1);
                    checkpointAt = rs.getTimestamp(2).toInstant();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT max(last_seq) FROM audit.archive"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                archivedTo = rs.wasNull() ? null : value;
            }
            return new AuditIntegrityStatus(ownershipSeparated, tableOwner, head, checkpointSeq, checkpointAt, keys.currentKeyId(),
                    minRetentionDays(c), archivedTo);
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read the chain's status: " + e.getMessage(), e);
        }
    }

    public boolean ownershipSeparated() {
        return ownershipSeparated;
    }

    static int minRetentionDays(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min_retention_days FROM audit.policy"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leases != null) {
            leases.close();
        }
    }
}
