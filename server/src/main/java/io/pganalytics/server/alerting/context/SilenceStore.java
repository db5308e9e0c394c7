package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.Silence;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Silences ({@code alert_silence}): made with matchers, a reason and an expiry; expired early by setting their end to
 * now (a silence that has not begun is removed instead: it held nothing back). At most {@link #MAX_LIVE} silences may be
 * pending or active at once.
 */
final class SilenceStore {
    static final int MAX_LIVE = 1000;
    static final int MAX_REASON = 500;
    static final Duration MAX_LENGTH = Duration.ofDays(366);
    static final String CREATE_ACTION = "alerting.silence.create";
    static final String EXPIRE_ACTION = "alerting.silence.expire";
    static final String PENDING = "pending";
    static final String ACTIVE = "active";
    static final String EXPIRED = "expired";
    private static final TypeReference<List<Matcher>> MATCHERS = new TypeReference<>() {
    };

    private final ContextDb db;
    private final ContextNotices notices;
    private final Clock clock;

    SilenceStore(ContextDb db, ContextNotices notices, Clock clock) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
    }

    /** Silences newest first, of one status or all; at most {@code limit}. */
    List<Silence> list(String status, int limit) {
        if (status != null && !List.of(PENDING, ACTIVE, EXPIRED).contains(status)) {
            throw ApiException.invalid("state", "must be pending, active or expired, was '" + RequestParameters.abbreviate(status) + "'");
        }
        Instant now = clock.instant();
        String where = status == null ? "" : switch (status) {
            case PENDING -> "WHERE starts_at > ?";
            case ACTIVE -> "WHERE starts_at <= ? AND ends_at > ?";
            default -> "WHERE ends_at <= ?";
        };
        return db.read("reading silences", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_silence " + where + " ORDER BY created_at DESC, id DESC LIMIT ?")) {
                int i = 1;
                if (status != null) {
                    ps.setTimestamp(i++, ContextDb.timestamp(now));
                    if (status.equals(ACTIVE)) {
                        ps.setTimestamp(i++, ContextDb.timestamp(now));
                    }
                }
                ps.setInt(i, limit);
                List<Silence> silences = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        silences.add(silence(rs, now));
                    }
                }
                return silences;
            }
        });
    }

    Silence find(long id) {
        return db.read("reading silence " + id, c -> find(c, id)).orElseThrow(() -> ApiException.notFound("no silence with id " + id));
    }

    /** Every silence not yet expired at {@code now}, for the suppression cache. */
    List<Silence> live(Instant now) {
        return db.read("reading the silences in force", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_silence WHERE ends_at > ? ORDER BY id LIMIT ?")) {
                ps.setTimestamp(1, ContextDb.timestamp(now));
                ps.setInt(2, MAX_LIVE * 2);
                List<Silence> silences = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        silences.add(silence(rs, now));
                    }
                }
                return silences;
            }
        });
    }

    /** Creates a silence (400 for a bad one, 409 past {@link #MAX_LIVE}); audited. */
    Silence create(Silence request, String createdBy, AuditEvent.Actor actor, AuditLog audit) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"matchers\":[{\"label\":\"instance\",\"op\":\"=\",\"value\":\"db1\"}],"
                    + " \"endsAt\":\"...\", \"reason\":\"...\"}");
        }
        Matchers.compile("matchers", request.matchers());
        if (Matchers.matchesEverything(request.matchers())) {
            throw ApiException.invalid("matchers", "would match every alert (each also matches an empty label): add a matcher that needs a value");
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            throw ApiException.invalid("reason", "is required: 1 to " + MAX_REASON + " characters saying why, was " + reason.length() + " characters");
        }
        if (RequestParameters.hasControlCharacter(reason)) {
            throw ApiException.invalid("reason", "must not contain control characters");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // a silence cannot hold back what was before it was made: a start in the past is now
        Instant startsAt = request.startsAt() == null || request.startsAt().isBefore(now) ? now
                : request.startsAt().truncatedTo(ChronoUnit.MICROS);
        if (request.endsAt() == null) {
            throw ApiException.invalid("endsAt", "is required: when the silence expires, an ISO-8601 instant such as 2026-12-07T18:00:00Z");
        }
        Instant endsAt = request.endsAt().truncatedTo(ChronoUnit.MICROS);
        if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
            throw ApiException.invalid("endsAt", "must be after startsAt (" + startsAt + ") and after now, was " + request.endsAt());
        }
        if (Duration.between(startsAt, endsAt).compareTo(MAX_LENGTH) > 0 || startsAt.isAfter(now.plus(MAX_LENGTH))) {
            throw ApiException.invalid("endsAt", "a silence lasts at most " + MAX_LENGTH.toDays() + " days and begins within a year");
        }
        Instant start = startsAt;
        Silence created = db.transaction("creating a silence", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(1718, 1)")) {
                ps.execute();
            }
            int live;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM alert_silence WHERE ends_at > ?")) {
                ps.setTimestamp(1, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    live = rs.getInt(1);
                }
            }
            if (live >= MAX_LIVE) {
                throw ApiException.conflict(live + " silences are pending or active, the most there may be: expire some first");
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_silence (matchers, starts_at, ends_at, reason, created_by, created_at)
                    VALUES (?::jsonb, ?, ?, ?, ?, ?) RETURNING id""")) {
                ps.setString(1, db.json(request.matchers()));
                ps.setTimestamp(2, ContextDb.timestamp(start));
                ps.setTimestamp(3, ContextDb.timestamp(endsAt));
                ps.setString(4, reason);
                ps.setString(5, createdBy);
                ps.setTimestamp(6, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            Silence silence = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(CREATE_ACTION, "silence", Long.toString(id)).actor(actor).change(null, describe(silence)));
            return silence;
        });
        notices.changed(ContextNotices.SUPPRESSIONS);
        return created;
    }

    /** Expires a silence now (404 unknown, 409 already expired); audited. */
    void expire(long id, AuditEvent.Actor actor, AuditLog audit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        db.transaction("expiring silence " + id, c -> {
            Silence before;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_silence WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no silence with id " + id);
                    }
                    before = silence(rs, now);
                }
            }
            if (before.status().equals(EXPIRED)) {
                throw ApiException.conflict("silence " + id + " expired at " + before.endsAt() + " already");
            }
            String sql = before.status().equals(PENDING) ? "DELETE FROM alert_silence WHERE id = ?"
                    : "UPDATE alert_silence SET ends_at = ? WHERE id = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (before.status().equals(PENDING)) {
                    ps.setLong(1, id);
                } else {
                    ps.setTimestamp(1, ContextDb.timestamp(now));
                    ps.setLong(2, id);
                }
                ps.executeUpdate();
            }
            Map<String, Object> after = new TreeMap<>(describe(before));
            after.put("endsAt", now.toString());
            after.put("status", before.status().equals(PENDING) ? "removed before it began" : EXPIRED);
            audit.append(c, AuditEvent.change(EXPIRE_ACTION, "silence", Long.toString(id)).actor(actor).change(describe(before), after));
            return null;
        });
        notices.changed(ContextNotices.SUPPRESSIONS);
    }

    private Optional<Silence> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_silence WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(silence(rs, clock.instant())) : Optional.empty();
            }
        }
    }

    private Silence silence(ResultSet rs, Instant now) throws SQLException {
        Instant startsAt = ContextDb.instant(rs, "starts_at");
        Instant endsAt = ContextDb.instant(rs, "ends_at");
        String status = now.isBefore(startsAt) ? PENDING : now.isBefore(endsAt) ? ACTIVE : EXPIRED;
        return new Silence(rs.getLong("id"), db.parse(rs.getString("matchers"), MATCHERS), startsAt, endsAt, rs.getString("reason"),
                rs.getString("created_by"), ContextDb.instant(rs, "created_at"), status);
    }

    private Map<String, Object> describe(Silence silence) {
        Map<String, Object> map = new TreeMap<>();
        map.put("matchers", db.json(silence.matchers()));
        map.put("startsAt", silence.startsAt().toString());
        map.put("endsAt", silence.endsAt().toString());
        map.put("reason", silence.reason());
        return map;
    }
}
