package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * One row of {@code audit.record} as stored: what verification hashes, exports write and views open.
 * Read it with {@code SELECT } {@link #COLUMNS} {@code FROM audit.record ...} and {@link #read(ResultSet)}.
 */
public record StoredRecord(long seq, Instant at, String node, String category, String action, String outcome,
                           String actorKind, String actorId, String actorRoles, String resourceType, String resourceId,
                           Integer status, String errorType, Long durationMicros, String details, byte[] actorPersonal,
                           String subjectId, byte[] subjectPersonal, byte[] prevHash, byte[] hash) {

    public static final String COLUMNS = "seq, at, node, category, action, outcome, actor_kind, actor_id, actor_roles,"
            + " resource_type, resource_id, status, error_type, duration_us, details, actor_personal, subject_id,"
            + " subject_personal, prev_hash, hash";

    public static StoredRecord read(ResultSet rs) throws SQLException {
        int status = rs.getInt("status");
        Integer statusValue = rs.wasNull() ? null : status;
        long duration = rs.getLong("duration_us");
        Long durationValue = rs.wasNull() ? null : duration;
        return new StoredRecord(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("node"),
                rs.getString("category"), rs.getString("action"), rs.getString("outcome"), rs.getString("actor_kind"),
                rs.getString("actor_id"), rs.getString("actor_roles"), rs.getString("resource_type"), rs.getString("resource_id"),
                statusValue, rs.getString("error_type"), durationValue, rs.getString("details"), rs.getBytes("actor_personal"),
                rs.getString("subject_id"), rs.getBytes("subject_personal"), rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }

    /** What the hash covers. */
    public AuditCanonical.Fields fields() {
        return new AuditCanonical.Fields(seq, AuditLog.micros(at), node, category, action, outcome, actorKind, actorId, actorRoles,
                resourceType, resourceId, status, errorType, durationMicros, details, actorPersonal, subjectId, subjectPersonal);
    }

    /** Whether the stored hash is the hash of this record's content after {@code previous}. */
    public boolean hashMatches(byte[] previous) {
        return AuditCanonical.sameHash(hash, AuditCanonical.hash(previous, fields()));
    }

    /** The person whose key seals {@link #actorPersonal}: the user, or the shared "anonymous" key. */
    public String actorPersonId() {
        return "user".equals(actorKind) ? actorId : "anonymous";
    }
}
