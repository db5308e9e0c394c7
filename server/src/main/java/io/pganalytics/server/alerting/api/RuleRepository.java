package io.pganalytics.server.alerting.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.units.Durations;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code alert_rule} table, and the firings and feedback its effectiveness figures are computed from. */
final class RuleRepository {
    /** The most firings one effectiveness report reads (over every rule). */
    static final int MAX_FIRINGS = 200_000;
    private static final String COLUMNS = """
            id, name, description, pack_key, enabled, severity, condition::text AS condition, for_seconds, scope::text AS scope,
            labels::text AS labels, summary, escalation::text AS escalation, sensitivity_factor, updated_by, updated_at, version
            FROM alert_rule""";

    /** One alert that fired, with what people said of it. */
    record Firing(long ruleId, Double value, Instant pendingSince, Instant firedAt, Instant resolvedAt, Instant acknowledgedAt,
                  String verdict) {
    }

    /** A scope as stored: without the {@code all} a {@link RuleScope} answers with. */
    record StoredScope(List<Long> instances, Map<String, String> labels) {
        static StoredScope of(RuleScope scope) {
            return new StoredScope(scope.instances(), scope.labels());
        }
    }

    private final Db db;
    private final ObjectMapper mapper;

    RuleRepository(Db db, ObjectMapper mapper) {
        this.db = db;
        this.mapper = mapper;
    }

    List<AlertRule> list(int max) {
        return db.read("the rule list", c -> Db.list(c, "SELECT " + COLUMNS + " ORDER BY lower(name), id LIMIT ?", this::rule, max));
    }

    Optional<AlertRule> find(long id) {
        return db.read("rule " + id, c -> find(c, id));
    }

    Optional<AlertRule> find(Connection c, long id) throws SQLException {
        return Db.list(c, "SELECT " + COLUMNS + " WHERE id = ?", this::rule, id).stream().findFirst();
    }

    long count(Connection c) throws SQLException {
        return Db.list(c, "SELECT count(*) FROM alert_rule", rs -> rs.getLong(1)).getFirst();
    }

    /** Alerts of a rule ever recorded (what its deletion takes away). */
    long alertCount(long id) {
        return db.read("rule " + id, c -> Db.list(c, "SELECT count(*) FROM alert WHERE rule_id = ?", rs -> rs.getLong(1), id).getFirst());
    }

    long insert(Connection c, AlertRule rule, Duration forDuration, String by, Instant now) throws SQLException {
        return Db.list(c, """
                INSERT INTO alert_rule (name, description, enabled, severity, condition, for_seconds, scope, labels, summary, escalation,
                                        created_by, created_at, updated_by, updated_at)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb), ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, CAST(? AS jsonb), ?, ?, ?, ?) RETURNING id""",
                rs -> rs.getLong(1), rule.name(), rule.description(), rule.enabled(), rule.severity(), json(rule.condition()),
                (int) forDuration.toSeconds(), json(StoredScope.of(rule.scope())), json(rule.labels()), rule.summary(),
                rule.escalation() == null ? null : json(rule.escalation()), by, now, by, now).getFirst();
    }

    /** Updates a rule at {@code version}; false when it has another version (or is gone). */
    boolean update(Connection c, long id, AlertRule rule, Duration forDuration, long version, String by, Instant now) throws SQLException {
        return Db.update(c, """
                UPDATE alert_rule SET name = ?, description = ?, enabled = ?, severity = ?, condition = CAST(? AS jsonb), for_seconds = ?,
                       scope = CAST(? AS jsonb), labels = CAST(? AS jsonb), summary = ?, escalation = CAST(? AS jsonb), updated_by = ?,
                       updated_at = ?, version = version + 1
                WHERE id = ? AND version = ?""", rule.name(), rule.description(), rule.enabled(), rule.severity(), json(rule.condition()),
                (int) forDuration.toSeconds(), json(StoredScope.of(rule.scope())), json(rule.labels()), rule.summary(),
                rule.escalation() == null ? null : json(rule.escalation()), by, now, id, version) == 1;
    }

    void delete(Connection c, long id) throws SQLException {
        Db.update(c, "DELETE FROM alert_rule WHERE id = ?", id);
    }

    /** A default-pack rule is kept disabled rather than deleted, so that installing the pack again does not bring it back. */
    void disable(Connection c, long id, String by, Instant now) throws SQLException {
        Db.update(c, "UPDATE alert_rule SET enabled = false, updated_by = ?, updated_at = ?, version = version + 1 WHERE id = ?", by, now, id);
    }

    /**
     * The alerts that fired since {@code since}, by rule and time, each with its incident's acknowledgement and the verdict
     * people gave: the incident's, else the latest of its notifications'.
     */
    List<Firing> firings(Instant since) {
        return db.read("the firings of the rules", c -> Db.list(c, """
                SELECT a.rule_id, a.value, a.pending_since, a.fired_at, a.resolved_at, i.acknowledged_at,
                       coalesce(i.feedback, (SELECT n.feedback FROM alert_notification n WHERE n.incident_id = a.incident_id
                                             AND n.feedback IS NOT NULL ORDER BY n.feedback_at DESC, n.id DESC LIMIT 1)) AS verdict
                FROM alert a LEFT JOIN alert_incident i ON i.id = a.incident_id
                WHERE a.fired_at >= ? ORDER BY a.rule_id, a.fired_at, a.id LIMIT ?""",
                rs -> new Firing(rs.getLong("rule_id"), Db.doubleOrNull(rs, "value"), Db.instant(rs, "pending_since"),
                        Db.instant(rs, "fired_at"), Db.instant(rs, "resolved_at"), Db.instant(rs, "acknowledged_at"), rs.getString("verdict")),
                since, MAX_FIRINGS));
    }

    /** Notifications sent for the incidents of each rule's firings since {@code since}. */
    Map<Long, Integer> notificationsSent(Instant since) {
        return db.read("the notifications of the rules", c -> {
            Map<Long, Integer> sent = new HashMap<>();
            Db.list(c, """
                    SELECT x.rule_id, count(*) FROM (SELECT DISTINCT a.rule_id, n.id FROM alert a
                        JOIN alert_notification n ON n.incident_id = a.incident_id WHERE a.fired_at >= ? AND n.state = 'sent') x
                    GROUP BY x.rule_id""", rs -> sent.put(rs.getLong(1), rs.getInt(2)), since);
            return sent;
        });
    }

    private static RuleScope scope(StoredScope stored) {
        return stored == null ? RuleScope.all() : new RuleScope(stored.instances(), stored.labels());
    }

    String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rule's part cannot be written as JSON", e);
        }
    }

    private <T> T read(String json, Class<T> type) throws SQLException {
        try {
            return json == null ? null : mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("an unreadable rule column: " + e.getOriginalMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private AlertRule rule(ResultSet rs) throws SQLException {
        return new AlertRule(rs.getLong("id"), rs.getString("name"), rs.getString("description"), rs.getString("pack_key"),
                rs.getBoolean("enabled"), rs.getString("severity"), read(rs.getString("condition"), Condition.class),
                Durations.format(Duration.ofSeconds(rs.getInt("for_seconds"))), scope(read(rs.getString("scope"), StoredScope.class)),
                read(rs.getString("labels"), Map.class), rs.getString("summary"), read(rs.getString("escalation"), Escalation.class),
                rs.getDouble("sensitivity_factor"), rs.getString("updated_by"), Db.instant(rs, "updated_at"), rs.getLong("version"));
    }
}
