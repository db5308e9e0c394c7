package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.server.cluster.JobLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signed chain heads, like Certificate Transparency's signed tree heads: every {@code audit.checkpoint-interval}, the
 * node holding the {@value #LEASE} lease signs {@link AuditCanonical#checkpointStatement} over the newest record (when
 * the head moved since the last checkpoint) with the audit key and appends it to {@code audit.checkpoint}. Anyone
 * holding the public key can then check offline that the chain up to that record is the one the server signed.
 */
public final class AuditCheckpoints {
    static final String LEASE = "audit.checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);
    private static final int LIST_LIMIT = 500;

    private final DataSource dataSource;
    private final AuditSigningKeys keys;
    private final JobLeases leases;
    private final String node;
    private final Clock clock;

    /** A checkpoint as the API shows it. */
    public record View(long seq, String headHash, Instant signedAt, long signedAtMicros, String keyId, String signature, String node) {
    }

    public AuditCheckpoints(DataSource dataSource, AuditSigningKeys keys, JobLeases leases, String node, Clock clock) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.leases = leases;
        this.node = node;
        this.clock = clock;
    }

    /** The scheduled run: under the lease, a checkpoint when the head moved; empty when another node ran it or nothing moved. */
    public Optional<Long> runOnce() {
        Optional<JobLeases.Lease> lease = leases == null ? Optional.empty() : leases.tryAcquire(LEASE);
        if (leases != null && lease.isEmpty()) {
            return Optional.empty();
        }
        try {
            return checkpointNow();
        } finally {
            lease.ifPresent(JobLeases.Lease::close);
        }
    }

    /** Signs the current head now unless it is already checkpointed; returns the seq signed. */
    public Optional<Long> checkpointNow() {
        String keyId = keys.ensureKey();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                long head;
                byte[] headHash;
                try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit.record ORDER BY seq DESC LIMIT 1");
                     ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return Optional.empty();
                    }
                    head = rs.getLong(1);
                    headHash = rs.getBytes(2);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM audit.checkpoint WHERE seq >= ?")) {
                    ps.setLong(1, head);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            c.rollback();
                            return Optional.empty();
                        }
                    }
                }
                Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
                byte[] signature = keys.sign(AuditCanonical.checkpointStatement(head, headHash, AuditLog.micros(at)));
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO audit.checkpoint (seq, head_hash, signed_at, key_id, signature, node) VALUES (?, ?, ?, ?, ?, ?)"
                                + " ON CONFLICT (seq) DO NOTHING")) {
                    insert.setLong(1, head);
                    insert.setBytes(2, headHash);
                    insert.setTimestamp(3, Timestamp.from(at));
                    insert.setString(4, keyId);
                    insert.setBytes(5, signature);
                    insert.setString(6, node);
                    insert.executeUpdate();
                }
                c.commit();
                LOG.debug("audit: checkpoint signed at record {} with key {}", head, keyId);
                return Optional.of(head);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot write a checkpoint: " + e.getMessage(), e);
        }
    }

    /** The newest checkpoints, newest first, at most {@code limit} (<= 500), below {@code beforeSeq} when given. */
    public List<View> list(Long beforeSeq, int limit) {
        List<View> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, head_hash, signed_at, key_id, signature, node FROM audit.checkpoint"
                    + " WHERE seq < ? ORDER BY seq DESC LIMIT ?")) {
                ps.setLong(1, beforeSeq == null ? Long.MAX_VALUE : beforeSeq);
                ps.setInt(2, Math.min(limit, LIST_LIMIT));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant at = rs.getTimestamp(3).toInstant();
                        out.add(new View(rs.getLong(1), HexFormat.of().formatHex(rs.getBytes(2)), at, AuditLog.micros(at), rs.getString(4),
                                java.util.Base64.getEncoder().encodeToString(rs.getBytes(5)), rs.getString(6)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read checkpoints: " + e.getMessage(), e);
        }
        return out;
    }

    /** The public keys for offline verification: id, PEM and JWK. */
    public List<Map<String, Object>> publicKeys() {
        keys.ensureKey();
        List<Map<String, Object>> out = new ArrayList<>();
        keys.publicKeys().forEach((id, key) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("keyId", id);
            entry.put("algorithm", "ES256");
            entry.put("pem", AuditSigningKeys.pem(key));
            entry.put("jwk", AuditSigningKeys.jwk(id, key));
            out.add(entry);
        });
        return out;
    }
}
