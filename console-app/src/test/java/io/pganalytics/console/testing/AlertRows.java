package io.pganalytics.console.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.json.JsonMapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plants what the alert evaluator writes (migration 1.18's {@code alert_rule}, {@code alert_incident} and {@code alert}
 * rows) straight into a test server's database, so console tests see firing alerts and incidents without waiting for
 * evaluation. The rules are planted disabled: no evaluator resolves the planted alerts under the test.
 */
public final class AlertRows {
    private AlertRows() {
    }

    /** A disabled threshold rule; its id. */
    public static long rule(Connection c, String name, String severity) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO alert_rule (name, enabled, severity, condition, summary, created_by, created_at, updated_by, updated_at)
                VALUES (?, false, ?, '{"kind":"threshold","signal":"connections","op":">","value":10}'::jsonb, ?, 'test', now(), 'test', now())
                RETURNING id""")) {
            st.setString(1, name);
            st.setString(2, severity);
            st.setString(3, name.replace('_', ' ') + " on {{instance}}");
            return single(st);
        }
    }

    /** An open incident of an instance, with hints; its id. */
    public static long incident(Connection c, long instanceId, String severity, String title, Instant openedAt, List<AnomalyHint> hints)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO alert_incident (group_key, instance_id, state, severity, title, opened_at, hints)
                VALUES (?, ?, 'open', ?, ?, ?, ?::jsonb) RETURNING id""")) {
            st.setString(1, "instance:" + instanceId);
            st.setLong(2, instanceId);
            st.setString(3, severity);
            st.setString(4, title);
            st.setTimestamp(5, Timestamp.from(openedAt));
            st.setString(6, json(hints));
            return single(st);
        }
    }

    /** A firing alert of a rule on an instance in an incident, with the labels the evaluator gives it; its id. */
    public static long firing(Connection c, long ruleId, String ruleName, long instanceId, String instanceName, String severity,
                              double value, Instant firedAt, long incidentId) throws SQLException {
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", ruleName, "instance", instanceName,
                "instance_id", Long.toString(instanceId), "severity", severity, "rule_id", Long.toString(ruleId), "team", "dba"));
        String fingerprint = HexFormat.of().formatHex(sha256().digest(
                (ruleId + labels.toString()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, value, pending_since, fired_at,
                                   last_evaluated_at, incident_id)
                VALUES (?, ?, ?, 'firing', ?, ?::jsonb, ?, ?, ?, ?, now(), ?) RETURNING id""")) {
            st.setLong(1, ruleId);
            st.setLong(2, instanceId);
            st.setString(3, fingerprint);
            st.setString(4, severity);
            st.setString(5, json(labels));
            st.setString(6, ruleName.replace('_', ' ') + " on " + instanceName);
            st.setDouble(7, value);
            st.setTimestamp(8, Timestamp.from(firedAt.minusSeconds(60)));
            st.setTimestamp(9, Timestamp.from(firedAt));
            st.setLong(10, incidentId);
            return single(st);
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long single(PreparedStatement st) throws SQLException {
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String json(Object value) {
        try {
            return JsonMapping.newMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
