package io.pganalytics.server.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The alert rows and rules as the evaluator reads and writes them (the only SQL of alert and alert_rule here). */
final class AlertStore {
    static final int MAX_ACTIVE = 200_000;
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    private static final String ALERT_COLUMNS = """
            id, rule_id, instance_id, fingerprint, state, severity, labels::text, summary, value, pending_since, fired_at,
            resolved_at, last_evaluated_at, escalated_at, incident_id, suppressed, was_suppressed, anomaly_id, version""";

    private final ObjectMapper json;

    AlertStore(ObjectMapper json) {
        // lenient on read: columns written through the wire model carry derived properties (RuleScope's "all")
        this.json = json.copy().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The rules, enabled or not (a disabled rule's active alerts are resolved), at most {@code max}. */
    List<AlertRule> rules(Connection c, int max) throws SQLException {
        List<AlertRule> rules = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, name, description, pack_key, enabled, severity, condition::text, for_seconds, scope::text, labels::text,
                       summary, escalation::text, sensitivity_factor, updated_by, updated_at, version
                FROM alert_rule ORDER BY id LIMIT ?""")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rules.add(rule(rs));
                }
            }
        }
        return rules;
    }

    private AlertRule rule(ResultSet rs) throws SQLException {
        try {
            String escalation = rs.getString(12);
            return new AlertRule(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6),
                    json.readValue(rs.getString(7), Condition.class), rs.getInt(8) + "s", json.readValue(rs.getString(9), RuleScope.class),
                    json.readValue(rs.getString(10), LABELS), rs.getString(11),
                    escalation == null ? null : json.readValue(escalation, Escalation.class), rs.getDouble(13), rs.getString(14),
                    rs.getTimestamp(15).toInstant(), rs.getLong(16));
        } catch (JsonProcessingException e) {
            throw new SQLException("alert_rule " + rs.getLong(1) + ": unreadable JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Every active alert (pending or firing), by rule then instance. */
    Map<Long, Map<Long, AlertRow>> active(Connection c) throws SQLException {
        Map<Long, Map<Long, AlertRow>> byRule = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS + " FROM alert WHERE state <> 'resolved' LIMIT ?")) {
            ps.setInt(1, MAX_ACTIVE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AlertRow row = row(rs);
                    byRule.computeIfAbsent(row.ruleId, k -> new HashMap<>()).put(row.instanceId, row);
                }
            }
        }
        return byRule;
    }

    /** The rule's active alerts, locked (the evaluator's transaction re-reads them under its rule lock). */
    Map<Long, AlertRow> activeLocked(Connection c, long ruleId) throws SQLException {
        Map<Long, AlertRow> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS
                + " FROM alert WHERE rule_id = ? AND state <> 'resolved' FOR UPDATE")) {
            ps.setLong(1, ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AlertRow row = row(rs);
                    rows.put(row.instanceId, row);
                }
            }
        }
        return rows;
    }

    /**
     * Takes the rule's evaluation lock for this transaction: false when another node's transaction holds it (a rule
     * whose ownership is moving is evaluated by one node at a time).
     */
    static boolean lockRule(Connection c, long ruleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(1634496116, ?)")) {
            ps.setInt(1, (int) ruleId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The alerts of an incident, all states. */
    List<AlertView> ofIncident(Connection c, long incidentId) throws SQLException {
        List<AlertView> alerts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS + " FROM alert WHERE incident_id = ? ORDER BY id LIMIT 1000")) {
            ps.setLong(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alerts.add(row(rs).view());
                }
            }
        }
        return alerts;
    }

    private AlertRow row(ResultSet rs) throws SQLException {
        try {
            Object value = rs.getObject(9);
            return new AlertRow(rs.getLong(1), rs.getLong(2), (Long) rs.getObject(3), rs.getString(4), rs.getString(5), rs.getString(6),
                    json.readValue(rs.getString(7), LABELS), rs.getString(8), value == null ? null : ((Number) value).doubleValue(),
                    instant(rs, 10), instant(rs, 11), instant(rs, 12), instant(rs, 13), instant(rs, 14), (Long) rs.getObject(15),
                    rs.getBoolean(16), rs.getBoolean(17), (Long) rs.getObject(18), rs.getLong(19));
        } catch (JsonProcessingException e) {
            throw new SQLException("alert " + rs.getLong(1) + ": unreadable labels", e);
        }
    }

    /** Writes a changed row: inserted, updated, or deleted (a pending alert that never fired). */
    void write(Connection c, AlertRow row) throws SQLException {
        if (row.deleted) {
            if (row.id != null) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert WHERE id = ?")) {
                    ps.setLong(1, row.id);
                    ps.executeUpdate();
                }
            }
            return;
        }
        if (row.id == null) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, value, pending_since,
                                       fired_at, resolved_at, last_evaluated_at, escalated_at, incident_id, suppressed, was_suppressed,
                                       anomaly_id)
                    VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                int i = 1;
                ps.setLong(i++, row.ruleId);
                ps.setObject(i++, row.instanceId, Types.BIGINT);
                ps.setString(i++, row.fingerprint);
                i = common(ps, i, row);
                ps.setTimestamp(i++, Timestamp.from(row.pendingSince));
                setTimes(ps, i, row);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    row.id = rs.getLong(1);
                }
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alert SET state = ?, severity = ?, labels = ?::jsonb, summary = ?, value = ?, fired_at = ?, resolved_at = ?,
                                     last_evaluated_at = ?, escalated_at = ?, incident_id = ?, suppressed = ?, was_suppressed = ?,
                                     anomaly_id = ?, version = version + 1
                    WHERE id = ?""")) {
                int i = common(ps, 1, row);
                i = setTimes(ps, i, row);
                ps.setLong(i, row.id);
                ps.executeUpdate();
            }
        }
        for (Suppressions.Suppression s : row.suppressions) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_suppression (alert_id, kind, source_id, first_at, last_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (alert_id, kind, source_id) DO UPDATE SET last_at = greatest(alert_suppression.last_at, excluded.last_at)""")) {
                ps.setLong(1, row.id);
                ps.setString(2, s.kind());
                ps.setLong(3, s.sourceId());
                ps.setTimestamp(4, Timestamp.from(row.lastEvaluatedAt));
                ps.setTimestamp(5, Timestamp.from(row.lastEvaluatedAt));
                ps.executeUpdate();
            }
        }
    }

    private int common(PreparedStatement ps, int i, AlertRow row) throws SQLException {
        ps.setString(i++, row.state);
        ps.setString(i++, row.severity);
        try {
            ps.setString(i++, json.writeValueAsString(row.labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels of rule " + row.ruleId + " are not JSON", e);
        }
        ps.setString(i++, row.summary);
        ps.setObject(i++, row.value, Types.DOUBLE);
        return i;
    }

    private static int setTimes(PreparedStatement ps, int i, AlertRow row) throws SQLException {
        ps.setTimestamp(i++, ts(row.firedAt));
        ps.setTimestamp(i++, ts(row.resolvedAt));
        ps.setTimestamp(i++, ts(row.lastEvaluatedAt));
        ps.setTimestamp(i++, ts(row.escalatedAt));
        ps.setObject(i++, row.incidentId, Types.BIGINT);
        ps.setBoolean(i++, row.suppressed);
        ps.setBoolean(i++, row.wasSuppressed);
        ps.setObject(i++, row.anomalyId, Types.BIGINT);
        return i;
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static boolean isActive(String state) {
        return !AlertView.RESOLVED.equals(state);
    }

    static String severityOf(AlertRule rule) {
        return rule.severity();
    }
}
