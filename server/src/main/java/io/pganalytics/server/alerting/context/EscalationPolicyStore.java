package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.alerting.EscalationLevel;
import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.EscalationTarget;
import io.pganalytics.common.units.Durations;
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
 * Escalation policies ({@code escalation_policy}, levels as a JSON array of {@link EscalationLevel}): checked against
 * the schedules, users and receivers they name; a policy a route sends to cannot be deleted (409).
 */
final class EscalationPolicyStore {
    static final int MAX_POLICIES = 200;
    static final int MAX_LEVELS = 10;
    static final int MAX_TARGETS = 10;
    static final Duration MIN_AFTER = Duration.ofMinutes(1);
    static final Duration MAX_AFTER = Duration.ofHours(24);
    static final String CREATE_ACTION = "alerting.escalation-policy.create";
    static final String UPDATE_ACTION = "alerting.escalation-policy.update";
    static final String DELETE_ACTION = "alerting.escalation-policy.delete";
    private static final TypeReference<List<EscalationLevel>> LEVELS = new TypeReference<>() {
    };

    private final ContextDb db;
    private final Clock clock;

    EscalationPolicyStore(ContextDb db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    List<EscalationPolicy> list() {
        return db.read("reading escalation policies", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM escalation_policy ORDER BY lower(name) LIMIT ?")) {
                ps.setInt(1, MAX_POLICIES);
                List<EscalationPolicy> policies = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        policies.add(policy(rs));
                    }
                }
                return policies;
            }
        });
    }

    EscalationPolicy find(long id) {
        return db.read("reading escalation policy " + id, c -> find(c, id)).orElseThrow(() -> notFound(id));
    }

    EscalationPolicy create(EscalationPolicy request, String createdBy, AuditEvent.Actor actor, AuditLog audit) {
        EscalationPolicy checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return db.transaction("creating an escalation policy", c -> {
            requireReferences(c, checked);
            if (ContextDb.count(c, "SELECT count(*) FROM escalation_policy") >= MAX_POLICIES) {
                throw ApiException.conflict("there are " + MAX_POLICIES + " escalation policies, the most there may be");
            }
            requireFreeName(c, checked.name(), 0);
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO escalation_policy (name, levels, repeat, email_receiver_id, created_by, created_at, updated_at)
                    VALUES (?, ?::jsonb, ?, ?, ?, ?, ?) RETURNING id""")) {
                ps.setString(1, checked.name());
                ps.setString(2, db.json(checked.levels()));
                ps.setInt(3, checked.repeat());
                ps.setObject(4, checked.emailReceiverId());
                ps.setString(5, createdBy);
                ps.setTimestamp(6, ContextDb.timestamp(now));
                ps.setTimestamp(7, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            EscalationPolicy policy = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(CREATE_ACTION, "escalation-policy", Long.toString(id)).actor(actor).change(null, describe(policy)));
            return policy;
        });
    }

    EscalationPolicy update(long id, EscalationPolicy request, AuditEvent.Actor actor, AuditLog audit) {
        EscalationPolicy checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return db.transaction("updating escalation policy " + id, c -> {
            EscalationPolicy before = find(c, id).orElseThrow(() -> notFound(id));
            requireReferences(c, checked);
            requireFreeName(c, checked.name(), id);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE escalation_policy SET name = ?, levels = ?::jsonb, repeat = ?, email_receiver_id = ?, updated_at = ?,
                        version = version + 1
                    WHERE id = ? AND version = ?""")) {
                ps.setString(1, checked.name());
                ps.setString(2, db.json(checked.levels()));
                ps.setInt(3, checked.repeat());
                ps.setObject(4, checked.emailReceiverId());
                ps.setTimestamp(5, ContextDb.timestamp(now));
                ps.setLong(6, id);
                ps.setLong(7, request.version());
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("escalation policy " + id + " is at version " + before.version() + ", not " + request.version()
                            + ": someone changed it meanwhile; read it again");
                }
            }
            EscalationPolicy after = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(UPDATE_ACTION, "escalation-policy", Long.toString(id)).actor(actor).change(describe(before), describe(after)));
            return after;
        });
    }

    void delete(long id, AuditEvent.Actor actor, AuditLog audit) {
        db.transaction("deleting escalation policy " + id, c -> {
            EscalationPolicy before = find(c, id).orElseThrow(() -> notFound(id));
            List<String> routes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM alert_route WHERE escalation_policy_id = ? ORDER BY position LIMIT 5")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        routes.add(rs.getString(1));
                    }
                }
            }
            if (!routes.isEmpty()) {
                throw ApiException.conflict("escalation policy " + id + " is the target of routes " + routes + ": change them first");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM escalation_policy WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.change(DELETE_ACTION, "escalation-policy", Long.toString(id)).actor(actor).change(describe(before), null));
            return null;
        });
    }

    private Optional<EscalationPolicy> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM escalation_policy WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(policy(rs)) : Optional.empty();
            }
        }
    }

    private EscalationPolicy policy(ResultSet rs) throws SQLException {
        return new EscalationPolicy(rs.getLong("id"), rs.getString("name"), db.parse(rs.getString("levels"), LEVELS), rs.getInt("repeat"),
                ContextDb.nullableLong(rs, "email_receiver_id"), rs.getLong("version"));
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("no escalation policy with id " + id);
    }

    private static void requireFreeName(Connection c, String name, long exceptId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM escalation_policy WHERE lower(name) = lower(?) AND id <> ?")) {
            ps.setString(1, name);
            ps.setLong(2, exceptId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw ApiException.conflict("an escalation policy named '" + name + "' exists already (id " + rs.getLong(1) + ")");
                }
            }
        }
    }

    /** 400 naming the first target whose schedule, user or receiver does not exist, or a receiver for mail that is not email. */
    private static void requireReferences(Connection c, EscalationPolicy policy) throws SQLException {
        boolean mailsPeople = false;
        for (int l = 0; l < policy.levels().size(); l++) {
            List<EscalationTarget> targets = policy.levels().get(l).targets();
            for (int t = 0; t < targets.size(); t++) {
                EscalationTarget target = targets.get(t);
                String field = "levels[" + l + "].targets[" + t + "]";
                if (target.schedule() != null) {
                    mailsPeople = true;
                    if (!ContextDb.exists(c, "SELECT 1 FROM oncall_schedule WHERE id = ?", target.schedule())) {
                        throw ApiException.invalid(field + ".schedule", "no on-call schedule with id " + target.schedule());
                    }
                } else if (target.user() != null) {
                    mailsPeople = true;
                    if (!ContextDb.exists(c, "SELECT 1 FROM auth_user WHERE id = ?", target.user())) {
                        throw ApiException.invalid(field + ".user", "no user with id " + target.user());
                    }
                } else if (!ContextDb.exists(c, "SELECT 1 FROM alert_receiver WHERE id = ?", target.receiver())) {
                    throw ApiException.invalid(field + ".receiver", "no receiver with id " + target.receiver());
                }
            }
        }
        if (policy.emailReceiverId() != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT kind FROM alert_receiver WHERE id = ?")) {
                ps.setLong(1, policy.emailReceiverId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.invalid("emailReceiverId", "no receiver with id " + policy.emailReceiverId());
                    }
                    if (!"email".equals(rs.getString(1))) {
                        throw ApiException.invalid("emailReceiverId", "receiver " + policy.emailReceiverId() + " is a " + rs.getString(1)
                                + " receiver; persons are mailed through an email receiver");
                    }
                }
            }
        } else if (mailsPeople) {
            throw ApiException.invalid("emailReceiverId", "is required when a level notifies a schedule or a user: the email receiver whose"
                    + " SMTP server mails them");
        }
    }

    /** The request checked (400 naming the field) and normalised. */
    private static EscalationPolicy checked(EscalationPolicy request) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"name\":..., \"levels\":[{\"targets\":[{\"schedule\":1}], \"after\":\"15m\"}],"
                    + " \"repeat\":0, \"emailReceiverId\":2}");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 200 || RequestParameters.hasControlCharacter(name)) {
            throw ApiException.invalid("name", "is required: 1 to 200 characters without control characters");
        }
        if (request.levels().isEmpty() || request.levels().size() > MAX_LEVELS) {
            throw ApiException.invalid("levels", "one to " + MAX_LEVELS + " levels, was " + request.levels().size());
        }
        if (request.repeat() < 0 || request.repeat() > 10) {
            throw ApiException.invalid("repeat", "from 0 to 10, was " + request.repeat());
        }
        List<EscalationLevel> levels = new ArrayList<>();
        for (int l = 0; l < request.levels().size(); l++) {
            EscalationLevel level = request.levels().get(l);
            String field = "levels[" + l + "]";
            if (level == null || level.targets().isEmpty() || level.targets().size() > MAX_TARGETS) {
                throw ApiException.invalid(field + ".targets", "one to " + MAX_TARGETS + " targets");
            }
            for (int t = 0; t < level.targets().size(); t++) {
                EscalationTarget target = level.targets().get(t);
                long given = target == null ? 0 : java.util.stream.Stream.of(target.schedule(), target.user(), target.receiver())
                        .filter(java.util.Objects::nonNull).count();
                if (given != 1) {
                    throw ApiException.invalid(field + ".targets[" + t + "]", "exactly one of schedule, user or receiver");
                }
            }
            Duration after;
            try {
                after = Durations.parse(level.after());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(field + ".after", e.getMessage());
            }
            if (after.compareTo(MIN_AFTER) < 0 || after.compareTo(MAX_AFTER) > 0) {
                throw ApiException.invalid(field + ".after", "from 1m to 24h without an acknowledgement, was " + level.after());
            }
            levels.add(new EscalationLevel(level.targets(), Durations.format(after)));
        }
        return new EscalationPolicy(null, name, levels, request.repeat(), request.emailReceiverId(), request.version());
    }

    private Map<String, Object> describe(EscalationPolicy policy) {
        Map<String, Object> map = new TreeMap<>();
        map.put("name", policy.name());
        map.put("levels", db.json(policy.levels()));
        map.put("repeat", policy.repeat());
        map.put("emailReceiverId", policy.emailReceiverId() == null ? "none" : policy.emailReceiverId());
        return map;
    }
}
