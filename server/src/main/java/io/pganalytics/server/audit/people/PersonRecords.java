package io.pganalytics.server.audit.people;

import io.pganalytics.server.audit.StoredRecord;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the GDPR requests over the audit schema: the records by or about a person, and their key's state.
 * A record is by a person when they are its actor ({@code actor_kind = 'user'}), about them when they are its subject
 * (their personal fields changed) or the user resource it names is theirs.
 */
final class PersonRecords {
    private static final String ABOUT = "((actor_kind = 'user' AND actor_id = ?) OR subject_id = ? OR (resource_type = 'user' AND resource_id = ?))";

    /** The person key's state: whether one exists and, if erased, when and by whom. */
    record KeyState(boolean exists, Instant erasedAt, String erasedBy) {
        static final KeyState NONE = new KeyState(false, null, null);
    }

    private final DataSource dataSource;

    PersonRecords(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** At most {@code limit} records by or about the person after {@code afterSeq}, oldest first. */
    List<StoredRecord> page(String personId, long afterSeq, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS
                + " FROM audit.record WHERE " + ABOUT + " AND seq > ? ORDER BY seq LIMIT ?")) {
            bindAbout(ps, personId);
            ps.setLong(4, afterSeq);
            ps.setInt(5, limit);
            List<StoredRecord> records = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(StoredRecord.read(rs));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("audit: reading the records of user " + personId + ": " + e.getMessage(), e);
        }
    }

    long count(String personId) {
        try (Connection c = dataSource.getConnection()) {
            return count(c, "SELECT count(*) FROM audit.record WHERE " + ABOUT, personId);
        } catch (SQLException e) {
            throw new IllegalStateException("audit: counting the records of user " + personId + ": " + e.getMessage(), e);
        }
    }

    /** Records holding personal fields sealed with the person's key. */
    long sealedFor(Connection c, String personId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit.record WHERE (actor_kind = 'user' AND actor_id = ?"
                + " AND actor_personal IS NOT NULL) OR (subject_id = ? AND subject_personal IS NOT NULL)")) {
            ps.setString(1, personId);
            ps.setString(2, personId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    KeyState keyState(String personId) {
        try (Connection c = dataSource.getConnection()) {
            return keyState(c, personId, false);
        } catch (SQLException e) {
            throw new IllegalStateException("audit: reading the key of user " + personId + ": " + e.getMessage(), e);
        }
    }

    /** The key's state; {@code lock}: and hold its row until the transaction ends (two erasures at once: one wins). */
    KeyState keyState(Connection c, String personId, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT erased_at, erased_by FROM audit.person_key WHERE person_id = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setString(1, personId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return KeyState.NONE;
                }
                Timestamp erased = rs.getTimestamp(1);
                return new KeyState(true, erased == null ? null : erased.toInstant(), rs.getString(2));
            }
        }
    }

    /**
     * Destroys the person's key (or, when they never had one, leaves an erased row so that none is ever made for
     * them again): every field sealed with it becomes unreadable for good.
     */
    void destroyKey(Connection c, String personId, Instant at, String erasedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit.person_key (person_id, secret, created_at, erased_at, erased_by)"
                + " VALUES (?, NULL, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET secret = NULL, erased_at = EXCLUDED.erased_at,"
                + " erased_by = EXCLUDED.erased_by")) {
            ps.setString(1, personId);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setString(4, erasedBy);
            ps.executeUpdate();
        }
    }

    private static long count(Connection c, String sql, String personId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindAbout(ps, personId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bindAbout(PreparedStatement ps, String personId) throws SQLException {
        ps.setString(1, personId);
        ps.setString(2, personId);
        ps.setString(3, personId);
    }
}
