package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An incident as it is when its notification is sent: what the templates show. */
record IncidentSnapshot(long id, String state, String severity, String title, String instanceName, Instant openedAt, Instant acknowledgedAt,
                        String acknowledgedBy, Instant resolvedAt, int escalationLevel, List<Alert> alerts, int alertCount,
                        List<String> hints) {
    static final int MAX_ALERTS = 20;
    static final int MAX_HINTS = 5;
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    record Alert(long id, String name, String state, String severity, String summary, Double value, Instant firedAt, Instant resolvedAt,
                 boolean suppressed, Map<String, String> labels) {
    }

    static Optional<IncidentSnapshot> read(Connection c, long id, ObjectMapper mapper) throws SQLException {
        IncidentSnapshot incident;
        try (PreparedStatement s = c.prepareStatement("SELECT i.id, i.state, i.severity, i.title, m.name, i.opened_at, i.acknowledged_at, "
                + "i.acknowledged_by, i.resolved_at, i.escalation_level, i.hints::text, "
                + "(SELECT count(*) FROM alert a WHERE a.incident_id = i.id) FROM alert_incident i "
                + "LEFT JOIN monitored_instance m ON m.id = i.instance_id WHERE i.id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                incident = new IncidentSnapshot(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), instant(r, 6),
                        instant(r, 7), r.getString(8), instant(r, 9), r.getInt(10), List.of(), r.getInt(12), hints(r.getString(11), mapper));
            }
        }
        List<Alert> alerts = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT a.id, coalesce(ru.name, 'rule ' || a.rule_id), a.state, a.severity, a.summary, a.value, "
                + "a.fired_at, a.resolved_at, a.suppressed, a.labels::text FROM alert a LEFT JOIN alert_rule ru ON ru.id = a.rule_id "
                + "WHERE a.incident_id = ? ORDER BY (a.state = 'firing') DESC, a.fired_at, a.id LIMIT " + MAX_ALERTS)) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    double value = r.getDouble(6);
                    Double boxed = r.wasNull() ? null : value;
                    Map<String, String> labels;
                    try {
                        labels = new TreeMap<>(mapper.readValue(r.getString(10), STRINGS));
                    } catch (JsonProcessingException e) {
                        labels = Map.of();
                    }
                    alerts.add(new Alert(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), boxed, instant(r, 7),
                            instant(r, 8), r.getBoolean(9), labels));
                }
            }
        }
        return Optional.of(new IncidentSnapshot(incident.id, incident.state, incident.severity, incident.title, incident.instanceName,
                incident.openedAt, incident.acknowledgedAt, incident.acknowledgedBy, incident.resolvedAt, incident.escalationLevel,
                List.copyOf(alerts), incident.alertCount, incident.hints));
    }

    private static List<String> hints(String json, ObjectMapper mapper) {
        List<String> hints = new ArrayList<>();
        try {
            for (JsonNode hint : mapper.readTree(json)) {
                if (hints.size() == MAX_HINTS) {
                    break;
                }
                String subject = hint.path("subject").asText("");
                String detail = hint.path("detail").asText("");
                hints.add(detail.isEmpty() ? subject : subject + ": " + detail);
            }
        } catch (JsonProcessingException e) {
            return List.of();
        }
        return hints;
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp value = r.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
