package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.audit.AuditVerification;

import javax.sql.DataSource;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Walks a range of the chain in seq order in one streaming pass (a server-side cursor, {@value #FETCH} rows at a time:
 * memory does not grow with the range) and names the first record found wrong:
 * <ul>
 *   <li>{@code removed}: a seq is missing, or the records after a removed one were renumbered to close the gap;</li>
 *   <li>{@code inserted}: a record hashes to its own stored hash but does not chain to its predecessor, or a record
 *       was slipped in and the ones after it renumbered;</li>
 *   <li>{@code reordered}: a record holds the content of another position;</li>
 *   <li>{@code altered}: a record's content does not hash to its stored hash, or the chain does not match a signed
 *       checkpoint (it was rewritten up to there);</li>
 *   <li>{@code truncated}: the chain ends before the newest signed checkpoint;</li>
 *   <li>{@code bad_checkpoint}: a checkpoint's signature does not verify with the audit key it names.</li>
 * </ul>
 * A range starting at the chain's beginning starts from the genesis (32 zero bytes), or from the newest archive's
 * anchor ({@code audit.archive.last_seq/last_hash}) once old records were archived and removed; a range starting later
 * trusts the stored hash of the record before it.
 */
public final class AuditVerifier {
    static final int FETCH = 5_000;
    /** How far a record's content is looked for at other positions to tell a reorder from an alteration. */
    private static final int MOVE_WINDOW = 16;

    private final DataSource dataSource;
    private final Supplier<Map<String, PublicKey>> publicKeys;
    private final Clock clock;

    public AuditVerifier(DataSource dataSource, Supplier<Map<String, PublicKey>> publicKeys, Clock clock) {
        this.dataSource = dataSource;
        this.publicKeys = publicKeys;
        this.clock = clock;
    }

    /** Verifies records {@code from..to} (either null: the chain's first / newest record). */
    public AuditVerification verify(Long from, Long to) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                Walk walk = new Walk(c, publicKeys.get());
                Outcome outcome = walk.run(from, to);
                c.commit();
                return new AuditVerification(outcome.problem == null, walk.fromSeq, walk.toSeq, walk.checked,
                        outcome.problem == null ? null : outcome.seq, outcome.problem, outcome.message, walk.checkpoints,
                        walk.lastCheckpoint, started, (System.nanoTime() - startNanos) / 1_000_000);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit: cannot read the chain to verify it: " + e.getMessage(), e);
        }
    }

    private record Outcome(Long seq, String problem, String message) {
        static final Outcome INTACT = new Outcome(null, null, "every record in the range hashes and chains correctly");
    }

    private record Checkpoint(long seq, byte[] headHash, long signedAtMicros, String keyId, byte[] signature) {
    }

    /** One verification's state: the expected next seq, the hashes of the two records before it, the counts. */
    private static final class Walk {
        private final Connection c;
        private final Map<String, PublicKey> keys;
        long fromSeq;
        long toSeq;
        long checked;
        int checkpoints;
        Long lastCheckpoint;

        Walk(Connection c, Map<String, PublicKey> keys) {
            this.c = c;
            this.keys = keys;
        }

        Outcome run(Long from, Long to) throws SQLException {
            long archivedTo = 0;
            byte[] anchor = AuditCanonical.GENESIS;
            try (PreparedStatement ps = c.prepareStatement("SELECT last_seq, last_hash FROM audit.archive ORDER BY last_seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    archivedTo = rs.getLong(1);
                    anchor = rs.getBytes(2);
                }
            }
            long head = scalar("SELECT coalesce(max(seq), 0) FROM audit.record");
            long newestCheckpoint = scalar("SELECT coalesce(max(seq), 0) FROM audit.checkpoint");
            long start = from == null ? archivedTo + 1 : Math.max(from, archivedTo + 1);
            long end = to == null ? Math.max(head, newestCheckpoint) : to;
            fromSeq = start;
            toSeq = end;
            byte[] previous = anchor;
            byte[] beforePrevious = null;
            if (start > archivedTo + 1) {
                try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit.record WHERE seq = ?")) {
                    ps.setLong(1, start - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return new Outcome(start - 1, "removed", "record " + (start - 1) + ", the one before the range, is missing");
                        }
                        previous = rs.getBytes(1);
                    }
                }
            }
            if (end < start) {
                return Outcome.INTACT;
            }
            try (PreparedStatement records = c.prepareStatement(
                    "SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq BETWEEN ? AND ? ORDER BY seq");
                 PreparedStatement marks = c.prepareStatement(
                         "SELECT seq, head_hash, signed_at, key_id, signature FROM audit.checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
                records.setFetchSize(FETCH);
                records.setLong(1, start);
                records.setLong(2, end);
                marks.setFetchSize(FETCH);
                marks.setLong(1, start);
                marks.setLong(2, end);
                try (ResultSet rs = records.executeQuery(); ResultSet cps = marks.executeQuery()) {
                    Checkpoint checkpoint = nextCheckpoint(cps);
                    StoredRecord record = rs.next() ? StoredRecord.read(rs) : null;
                    long expected = start;
                    while (record != null) {
                        StoredRecord next = rs.next() ? StoredRecord.read(rs) : null;
                        checked++;
                        Outcome problem = judge(record, next, expected, previous, beforePrevious);
                        if (problem != null) {
                            return problem;
                        }
                        while (checkpoint != null && checkpoint.seq() < record.seq()) {
                            // a checkpoint over a record that is not there
                            return new Outcome(checkpoint.seq(), "removed", "record " + checkpoint.seq()
                                    + " is missing although a signed checkpoint covers it");
                        }
                        if (checkpoint != null && checkpoint.seq() == record.seq()) {
                            Outcome bad = checkCheckpoint(checkpoint, record);
                            if (bad != null) {
                                return bad;
                            }
                            checkpoint = nextCheckpoint(cps);
                        }
                        beforePrevious = previous;
                        previous = record.hash();
                        expected = record.seq() + 1;
                        record = next;
                    }
                    if (checkpoint != null) {
                        return new Outcome(expected, "truncated", "the chain ends at record " + (expected - 1)
                                + " but a signed checkpoint covers it up to record " + checkpoint.seq());
                    }
                    if (to != null && expected <= Math.min(end, head) ) {
                        return new Outcome(expected, "removed", "record " + expected + " is missing");
                    }
                }
            }
            return Outcome.INTACT;
        }

        /** What is wrong with {@code r} at position {@code expected}, or null. */
        private Outcome judge(StoredRecord r, StoredRecord next, long expected, byte[] previous, byte[] beforePrevious) {
            if (r.seq() > expected) {
                return new Outcome(expected, "removed", "record " + expected + " is missing (the next one present is " + r.seq() + ")");
            }
            boolean selfConsistent = r.hashMatches(r.prevHash());
            if (selfConsistent) {
                if (AuditCanonical.sameHash(r.prevHash(), previous)) {
                    return null;
                }
                return new Outcome(r.seq(), "inserted", "record " + r.seq()
                        + " hashes to its own stored hash but does not chain to record " + (r.seq() - 1) + ": it was put there afterwards");
            }
            Long movedFrom = contentPosition(r);
            if (movedFrom == null) {
                return new Outcome(r.seq(), "altered", "record " + r.seq() + "'s content does not hash to its stored hash: it was changed after it was written");
            }
            if (movedFrom == r.seq() - 1 && beforePrevious != null && AuditCanonical.sameHash(r.prevHash(), beforePrevious)) {
                return new Outcome(r.seq() - 1, "inserted", "record " + (r.seq() - 1) + " was slipped in: the records after it were"
                        + " renumbered by one (record " + r.seq() + " holds the content written as " + movedFrom + ")");
            }
            if (movedFrom == r.seq() + 1 && !(next != null && next.seq() == r.seq() + 1 && contentMatchesAt(next, r.seq()))) {
                return new Outcome(r.seq(), "removed", "record " + r.seq() + " was removed and the records after it renumbered"
                        + " (record " + r.seq() + " holds the content written as " + movedFrom + ")");
            }
            return new Outcome(r.seq(), "reordered", "record " + r.seq() + " holds the content written as record " + movedFrom
                    + ": records were reordered");
        }

        private Outcome checkCheckpoint(Checkpoint checkpoint, StoredRecord record) {
            PublicKey key = keys.get(checkpoint.keyId());
            byte[] statement = AuditCanonical.checkpointStatement(checkpoint.seq(), checkpoint.headHash(), checkpoint.signedAtMicros());
            if (key == null || !AuditSigningKeys.verify(key, statement, checkpoint.signature())) {
                return new Outcome(checkpoint.seq(), "bad_checkpoint", "the checkpoint at record " + checkpoint.seq()
                        + (key == null ? " names an unknown audit key " + checkpoint.keyId() : "'s signature does not verify with audit key " + checkpoint.keyId()));
            }
            if (!AuditCanonical.sameHash(checkpoint.headHash(), record.hash())) {
                return new Outcome(checkpoint.seq(), "altered", "the chain at record " + checkpoint.seq()
                        + " does not match its signed checkpoint: records up to there were rewritten and re-hashed");
            }
            checkpoints++;
            lastCheckpoint = checkpoint.seq();
            return null;
        }

        /** The seq near {@code r}'s own whose position its content hashes to, or null. */
        private static Long contentPosition(StoredRecord r) {
            for (int distance = 1; distance <= MOVE_WINDOW; distance++) {
                for (long candidate : new long[]{r.seq() + distance, r.seq() - distance}) {
                    if (candidate > 0 && contentMatchesAt(r, candidate)) {
                        return candidate;
                    }
                }
            }
            return null;
        }

        private static boolean contentMatchesAt(StoredRecord r, long seq) {
            AuditCanonical.Fields f = r.fields();
            AuditCanonical.Fields moved = new AuditCanonical.Fields(seq, f.atMicros(), f.node(), f.category(), f.action(), f.outcome(),
                    f.actorKind(), f.actorId(), f.actorRoles(), f.resourceType(), f.resourceId(), f.status(), f.errorType(),
                    f.durationMicros(), f.details(), f.actorPersonal(), f.subjectId(), f.subjectPersonal());
            return AuditCanonical.sameHash(r.hash(), AuditCanonical.hash(r.prevHash(), moved));
        }

        private static Checkpoint nextCheckpoint(ResultSet rs) throws SQLException {
            if (!rs.next()) {
                return null;
            }
            return new Checkpoint(rs.getLong(1), rs.getBytes(2), AuditLog.micros(rs.getTimestamp(3).toInstant()), rs.getString(4), rs.getBytes(5));
        }

        private long scalar(String sql) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
