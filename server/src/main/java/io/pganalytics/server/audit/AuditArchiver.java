package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.files.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Archives the oldest records before they are removed: the records older than the retention minimum (and than
 * {@code audit.archive-after-days}) are checked (the range must verify: evidence of tampering is never archived away),
 * written to {@code <data-dir>/audit-archive/audit-<first>-<last>.jsonl} (owner-only, one {@link AuditJsonLines} line per
 * record), the file's SHA-256 is signed with the audit key ({@link #statement}), a row in {@code audit.archive}
 * anchors the chain at the last archived record, and only then does {@code audit.remove_archived} delete them. At
 * most {@value #BATCH} records per run.
 */
public final class AuditArchiver {
    static final String LEASE = "audit.archive";
    static final int BATCH = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(AuditArchiver.class);

    private final AuditConfig config;
    private final DataSource dataSource;
    private final AuditSigningKeys keys;
    private final AuditVerifier verifier;
    private final JobLeases leases;
    private final Path directory;
    private final String node;
    private final Clock clock;

    /** What one run archived. */
    public record Archived(long firstSeq, long lastSeq, Path file, String sha256, long removed) {
    }

    AuditArchiver(AuditConfig config, DataSource dataSource, AuditSigningKeys keys, AuditVerifier verifier, JobLeases leases,
                  Path directory, String node, Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        this.keys = keys;
        this.verifier = verifier;
        this.leases = leases;
        this.directory = directory;
        this.node = node;
        this.clock = clock;
    }

    /** What an archive file's signature covers. */
    public static byte[] statement(long firstSeq, long lastSeq, byte[] lastHash, byte[] fileSha256) {
        return ("pganalytics-audit-archive-v1\n" + firstSeq + "\n" + lastSeq + "\n" + HexFormat.of().formatHex(lastHash) + "\n"
                + HexFormat.of().formatHex(fileSha256) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    public Optional<Archived> runOnce() {
        Optional<JobLeases.Lease> lease = leases == null ? Optional.empty() : leases.tryAcquire(LEASE);
        if (leases != null && lease.isEmpty()) {
            return Optional.empty();
        }
        try {
            return archiveNow();
        } finally {
            lease.ifPresent(JobLeases.Lease::close);
        }
    }

    /** Archives and removes what is old enough now (one batch); empty when nothing is. */
    public Optional<Archived> archiveNow() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            int days = Math.max(config.archiveAfterDaysEffective(), AuditIntegrity.minRetentionDays(c));
            Instant cutoff = clock.instant().minus(Duration.ofDays(days));
            long first;
            long last;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT min(seq),
                           least(min(seq) + ? - 1,
                                 coalesce((SELECT min(seq) FROM audit.record WHERE at >= ?) - 1, max(seq)))
                    FROM audit.record""")) {
                ps.setLong(1, BATCH);
                ps.setTimestamp(2, Timestamp.from(cutoff));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    first = rs.getLong(1);
                    if (rs.wasNull()) {
                        return Optional.empty();
                    }
                    last = rs.getLong(2);
                }
            }
            if (last < first) {
                return Optional.empty();
            }
            AuditVerification check = verifier.verify(first, last);
            if (!check.intact()) {
                LOG.error("audit: records {} to {} are not archived: the chain does not verify ({}); investigate before anything is removed",
                        first, last, check.message());
                return Optional.empty();
            }
            return Optional.of(archive(c, first, last));
        } catch (SQLException e) {
            throw new IllegalStateException("audit: archiving old records failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("audit: writing the archive file in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private Archived archive(Connection c, long first, long last) throws SQLException, IOException {
        OwnerOnly.directory(directory);
        String name = "audit-" + first + "-" + last + ".jsonl";
        Path file = directory.resolve(name);
        Path partial = directory.resolve(name + ".partial");
        MessageDigest sha = AuditCanonical.sha256();
        byte[] lastHash = null;
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setFetchSize(AuditVerifier.FETCH);
            ps.setLong(1, first);
            ps.setLong(2, last);
            OwnerOnly.writeString(partial, "");
            try (ResultSet rs = ps.executeQuery();
                 OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial, StandardOpenOption.TRUNCATE_EXISTING))) {
                while (rs.next()) {
                    StoredRecord r = StoredRecord.read(rs);
                    byte[] line = (AuditJsonLines.line(r) + "\n").getBytes(StandardCharsets.UTF_8);
                    out.write(line);
                    sha.update(line);
                    lastHash = r.hash();
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        byte[] digest = sha.digest();
        String keyId = keys.currentKeyId();
        byte[] signature = keys.sign(statement(first, last, lastHash, digest));
        OwnerOnly.writeString(directory.resolve(name + ".sig"), "{\"first_seq\":" + first + ",\"last_seq\":" + last
                + ",\"last_hash\":\"" + HexFormat.of().formatHex(lastHash) + "\",\"file_sha256\":\"" + HexFormat.of().formatHex(digest)
                + "\",\"key_id\":\"" + keyId + "\",\"signature\":\"" + java.util.Base64.getEncoder().encodeToString(signature) + "\"}\n");
        long removed;
        c.setAutoCommit(false);
        try {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit.archive (first_seq, last_seq, last_hash, file_name,"
                    + " file_sha256, key_id, signature, archived_at, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, first);
                insert.setLong(2, last);
                insert.setBytes(3, lastHash);
                insert.setString(4, name);
                insert.setBytes(5, digest);
                insert.setString(6, keyId);
                insert.setBytes(7, signature);
                insert.setTimestamp(8, Timestamp.from(clock.instant()));
                insert.setString(9, node);
                insert.executeUpdate();
            }
            try (PreparedStatement remove = c.prepareStatement("SELECT audit.remove_archived(?)")) {
                remove.setLong(1, last);
                try (ResultSet rs = remove.executeQuery()) {
                    rs.next();
                    removed = rs.getLong(1);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        LOG.info("audit: records {} to {} archived to {} (SHA-256 {}, signed with {}) and removed ({})", first, last, file,
                HexFormat.of().formatHex(digest), keyId, removed);
        return new Archived(first, last, file, HexFormat.of().formatHex(digest), removed);
    }

}
