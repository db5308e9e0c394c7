package io.pganalytics.server.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.anomaly.AnomalyHint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Incidents as alerts change them (docs/ALERTING.md, "Incidents"): an alert that fires joins the open incident of its
 * group {@code instance:<id>} (one is opened, with the hints of the instance's anomalies, when none is open: FIRING);
 * later alerts joining or resolving: UPDATED; the last firing alert resolving: the incident resolves (RESOLVED); an
 * escalated alert: ESCALATED; a suppression that ends on a firing alert: UPDATED, or FIRING when the incident was never
 * notified. Every change bumps the incident's version (the sequence of {@link IncidentNotifier.Change}) and is told to
 * the notifier in the evaluator's transaction.
 */
final class Incidents {
    static final int MAX_HINTS = 10;
    static final Duration HINTS_BEFORE = Duration.ofMinutes(30);
    private static final TypeReference<List<AnomalyHint>> HINTS = new TypeReference<>() {
    };

    /** A change to tell once the alert rows are written. */
    record Pending(long incidentId, IncidentNotifier.Event event) {
    }

    private final ObjectMapper json;
    private final AlertStore store;
    private final IncidentNotifier notifier;

    Incidents(ObjectMapper json, AlertStore store, IncidentNotifier notifier) {
        this.json = json;
        this.store = store;
        this.notifier = notifier;
    }

    static String groupKey(long instanceId) {
        return "instance:" + instanceId;
    }

    /** Decides the incident changes of one alert row before it is written (it gets its incident when it fired). */
    List<Pending> changes(Connection c, AlertRow row, Instant now) throws SQLException {
        List<Pending> pending = new ArrayList<>();
        if (row.fired && row.instanceId != null) {
            Long open = lockOpen(c, groupKey(row.instanceId));
            if (open == null) {
                open = open(c, row, now);
                pending.add(new Pending(open, IncidentNotifier.Event.FIRING));
            } else {
                pending.add(new Pending(open, IncidentNotifier.Event.UPDATED));
            }
            row.incidentId = open;
        } else if (row.resolved && row.incidentId != null && isOpen(c, row.incidentId)) {
            if (otherFiring(c, row.incidentId, row.id) == 0) {
                resolve(c, row.incidentId, now);
                pending.add(new Pending(row.incidentId, IncidentNotifier.Event.RESOLVED));
            } else {
                pending.add(new Pending(row.incidentId, IncidentNotifier.Event.UPDATED));
            }
        }
        if (!row.fired && !row.resolved && row.firing() && row.incidentId != null && isOpen(c, row.incidentId)) {
            if (row.escalated) {
                pending.add(new Pending(row.incidentId, IncidentNotifier.Event.ESCALATED));
            }
            if (row.unsuppressed) {
                pending.add(new Pending(row.incidentId, notified(c, row.incidentId) ? IncidentNotifier.Event.UPDATED
                        : IncidentNotifier.Event.FIRING));
            }
        } else if (row.fired && row.escalated) {
            pending.add(new Pending(row.incidentId, IncidentNotifier.Event.ESCALATED));
        }
        return pending;
    }

    /**
     * Tells the notifier of a change once the rows are written: the incident's severity follows its firing alerts, and
     * keeps the last one when none fires (a resolved incident is as severe as it was, not {@code info}).
     */
    IncidentView tell(Connection c, Pending change, String instanceName) throws SQLException {
        long sequence;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE alert_incident SET version = version + 1,
                       severity = COALESCE((SELECT CASE max(CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END)
                                                   WHEN 2 THEN 'critical' WHEN 1 THEN 'warning' WHEN 0 THEN 'info' END
                                            FROM alert WHERE incident_id = ? AND state = 'firing'), severity)
                WHERE id = ? RETURNING version""")) {
            ps.setLong(1, change.incidentId());
            ps.setLong(2, change.incidentId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sequence = rs.getLong(1);
            }
        }
        IncidentView incident = view(c, change.incidentId(), instanceName);
        List<AlertView> alerts = store.ofIncident(c, change.incidentId());
        notifier.changed(c, new IncidentNotifier.Change(incident, change.event(), shared(alerts), alerts, sequence));
        return incident;
    }

    /** The labels every firing alert of the incident shares (all its alerts' when none fires). */
    static Map<String, String> shared(List<AlertView> alerts) {
        List<AlertView> firing = alerts.stream().filter(a -> AlertView.FIRING.equals(a.state())).toList();
        List<AlertView> over = firing.isEmpty() ? alerts : firing;
        if (over.isEmpty()) {
            return Map.of();
        }
        Map<String, String> shared = new HashMap<>(over.get(0).labels());
        for (AlertView a : over) {
            shared.entrySet().removeIf(e -> !e.getValue().equals(a.labels().get(e.getKey())));
        }
        return shared;
    }

    private static Long lockOpen(Connection c, String groupKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alert_incident WHERE group_key = ? AND state <> 'resolved' FOR UPDATE")) {
            ps.setString(1, groupKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private long open(Connection c, AlertRow row, Instant now) throws SQLException {
        String title = (row.labels.get("instance") + ": " + row.labels.get("alertname") + " " + row.summary).strip();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_incident (group_key, instance_id, state, severity, title, opened_at, hints)
                VALUES (?, ?, 'open', ?, ?, ?, ?::jsonb)
                ON CONFLICT (group_key) WHERE state <> 'resolved' DO NOTHING RETURNING id""")) {
            ps.setString(1, groupKey(row.instanceId));
            ps.setLong(2, row.instanceId);
            ps.setString(3, row.severity);
            ps.setString(4, title.length() > 500 ? title.substring(0, 500) : title);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(6, hints(c, row.instanceId, now));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        Long raced = lockOpen(c, groupKey(row.instanceId)); // another transaction opened it first
        if (raced == null) {
            throw new SQLException("incident of " + groupKey(row.instanceId) + ": neither opened nor found");
        }
        return raced;
    }

    /** The hints of the instance's open anomalies and those started in the 30 minutes before, the weightiest 10. */
    private String hints(Connection c, long instanceId, Instant now) throws SQLException {
        List<AnomalyHint> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT hints::text FROM anomaly WHERE instance_id = ? AND (state = 'open' OR started_at >= ?) AND started_at <= ?
                ORDER BY score DESC LIMIT 20""")) {
            ps.setLong(1, instanceId);
            ps.setTimestamp(2, Timestamp.from(now.minus(HINTS_BEFORE)));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.addAll(json.readValue(rs.getString(1), HINTS));
                }
            }
        } catch (JsonProcessingException e) {
            throw new SQLException("anomaly hints of instance " + instanceId + " are unreadable", e);
        }
        List<AnomalyHint> ranked = new ArrayList<>();
        all.stream().sorted(Comparator.comparingDouble(AnomalyHint::weight).reversed())
                .filter(h -> ranked.stream().noneMatch(r -> r.type().equals(h.type()) && java.util.Objects.equals(r.ref(), h.ref())))
                .limit(MAX_HINTS).forEach(h -> ranked.add(new AnomalyHint(ranked.size() + 1, h.type(), h.subject(), h.detail(), h.ref(),
                        h.weight(), h.at())));
        try {
            return json.writeValueAsString(ranked);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("hints are not JSON", e);
        }
    }

    private static boolean isOpen(Connection c, long incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM alert_incident WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && !IncidentView.RESOLVED.equals(rs.getString(1));
            }
        }
    }

    private static int otherFiring(Connection c, long incidentId, long alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM alert WHERE incident_id = ? AND state = 'firing' AND id <> ?")) {
            ps.setLong(1, incidentId);
            ps.setLong(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void resolve(Connection c, long incidentId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_incident SET state = 'resolved', resolved_at = ?, next_escalation_at = NULL WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setLong(2, incidentId);
            ps.executeUpdate();
        }
    }

    /** Whether a FIRING notification of the incident was ever recorded (else a suppression that ends tells FIRING). */
    private static boolean notified(Connection c, long incidentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM alert_notification WHERE incident_id = ? AND event = 'firing' LIMIT 1")) {
            ps.setLong(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    IncidentView view(Connection c, long incidentId, String instanceName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, group_key, instance_id, state, severity, title, opened_at, acknowledged_at, acknowledged_by, resolved_at,
                       resolved_by, escalation_level, next_escalation_at, hints::text, feedback, feedback_by
                FROM alert_incident WHERE id = ?""")) {
            ps.setLong(1, incidentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("incident " + incidentId + " is gone");
                }
                return new IncidentView(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), instanceName, rs.getString(4),
                        rs.getString(5), rs.getString(6), AlertStore.instant(rs, 7), AlertStore.instant(rs, 8), rs.getString(9),
                        AlertStore.instant(rs, 10), rs.getString(11), rs.getInt(12), AlertStore.instant(rs, 13),
                        json.readValue(rs.getString(14), HINTS), List.of(), rs.getString(15), rs.getString(16));
            } catch (JsonProcessingException e) {
                throw new SQLException("incident " + incidentId + ": unreadable hints", e);
            }
        }
    }
}
