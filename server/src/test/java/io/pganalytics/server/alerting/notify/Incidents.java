package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.server.alerting.IncidentNotifier;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Incidents and alerts written as the evaluator writes them, and their changes told to a notifier in one transaction. */
final class Incidents {
    private final DataSource dataSource;

    Incidents(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    long instance(String name) throws SQLException {
        return insert("INSERT INTO monitored_instance (system_identifier, host, port, name, first_seen_at, last_seen_at) "
                + "VALUES ('1', ?, 5432, ?, now(), now()) RETURNING id", name, name);
    }

    long rule(String name) throws SQLException {
        return insert("INSERT INTO alert_rule (name, severity, condition, summary, created_by, created_at, updated_by, updated_at) "
                + "VALUES (?, 'warning', '{\"kind\":\"threshold\"}', 'x', 'test', now(), 'test', now()) RETURNING id", name);
    }

    /** An open incident on the instance with one firing alert of the rule; its labels as routes see them. */
    record Opened(long incidentId, long alertId, Map<String, String> labels, IncidentView view, AlertView alert) {
    }

    Opened open(long instanceId, String instanceName, long ruleId, String ruleName, String severity, Map<String, String> extra, boolean suppressed)
            throws SQLException {
        Instant now = Instant.now();
        long incident = insert("INSERT INTO alert_incident (group_key, instance_id, state, severity, title, opened_at) VALUES (?, ?, 'open', ?, ?, now()) "
                + "RETURNING id", "instance:" + instanceId, instanceId, severity, ruleName + " on " + instanceName);
        Map<String, String> labels = new java.util.TreeMap<>(extra);
        labels.put("alertname", ruleName);
        labels.put("instance", instanceName);
        labels.put("severity", severity);
        String json = io.pganalytics.common.json.JsonMapping.newMapper().valueToTree(labels).toString();
        long alert = insert("INSERT INTO alert (rule_id, instance_id, fingerprint, state, severity, labels, summary, value, pending_since, fired_at, "
                + "last_evaluated_at, incident_id, suppressed) VALUES (?, ?, md5(random()::text), 'firing', ?, ?::jsonb, ?, 42.5, now(), now(), now(), ?, ?) "
                + "RETURNING id", ruleId, instanceId, severity, json, "Lock waits \"high\" <b>&</b> rising", incident, suppressed);
        IncidentView view = new IncidentView(incident, "instance:" + instanceId, instanceId, instanceName, "open", severity, ruleName, now, null, null,
                null, null, 0, null, List.of(), List.of(), null, null);
        AlertView alertView = new AlertView(alert, ruleId, ruleName, instanceId, instanceName, "firing", severity, labels, "x", 42.5, now, now, null,
                incident, suppressed, suppressed, null);
        return new Opened(incident, alert, labels, view, alertView);
    }

    void tell(IncidentNotifier notifier, Opened incident, IncidentNotifier.Event event, long sequence) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            notifier.changed(c, new IncidentNotifier.Change(incident.view(), event, incident.labels(), List.of(incident.alert()), sequence));
            c.commit();
        }
    }

    void execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    List<List<Object>> rows(String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                int columns = r.getMetaData().getColumnCount();
                while (r.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = r.getObject(i);
                        row.add(value instanceof Timestamp ts ? ts.toInstant() : value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** An INSERT ... RETURNING id, committed. */
    long insert(String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            c.setAutoCommit(true);
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
