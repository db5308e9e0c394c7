package io.pganalytics.server.alerting.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationPage;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.anomaly.AnomalyHint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The alert, incident and notification tables as the API reads them, and the few changes people make to them. */
final class AlertRepository {
    /** The most alerts one incident shows, and the most notifications listed for one incident. */
    static final int MAX_DETAIL_ROWS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(AlertRepository.class);
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };
    private static final TypeReference<List<AnomalyHint>> HINTS = new TypeReference<>() {
    };
    static final String ALERT_COLUMNS = """
            a.id, a.rule_id, r.name AS rule_name, a.instance_id, m.name AS instance_name, a.state, a.severity,
            a.labels::text AS labels, a.summary, a.value, a.pending_since, a.fired_at, a.resolved_at, a.incident_id,
            a.suppressed, a.was_suppressed, a.anomaly_id
            FROM alert a JOIN alert_rule r ON r.id = a.rule_id LEFT JOIN monitored_instance m ON m.id = a.instance_id""";
    static final String INCIDENT_COLUMNS = """
            i.id, i.group_key, i.instance_id, m.name AS instance_name, i.state, i.severity, i.title, i.opened_at,
            i.acknowledged_at, i.acknowledged_by, i.resolved_at, i.resolved_by, i.escalation_level, i.next_escalation_at,
            i.hints::text AS hints, i.feedback, i.feedback_by, i.version
            FROM alert_incident i LEFT JOIN monitored_instance m ON m.id = i.instance_id""";
    static final String NOTIFICATION_COLUMNS = """
            n.id, n.incident_id, n.route_id, n.receiver_id, rc.name AS receiver_name, n.recipient, n.event, n.escalation_level,
            n.state, n.attempts, n.created_at, n.sent_at, n.response_status, n.last_error, n.feedback
            FROM alert_notification n LEFT JOIN alert_receiver rc ON rc.id = n.receiver_id""";

    /** An incident row with its optimistic-lock version (what a change's sequence number grows from). */
    record Incident(IncidentView view, long version) {
    }

    private final Db db;
    private final ObjectMapper mapper;

    AlertRepository(Db db, ObjectMapper mapper) {
        this.db = db;
        this.mapper = mapper;
    }

    AlertPage alerts(ListFilter filter) {
        return db.read("the alert list", c -> {
            List<Object> values = new ArrayList<>();
            String sql = "SELECT " + ALERT_COLUMNS + " WHERE " + filter.where("a.pending_since", "a.id", values)
                    + " ORDER BY a.pending_since DESC, a.id DESC LIMIT ?";
            values.add(filter.limit() + 1);
            List<AlertView> rows = Db.list(c, sql, this::alert, values.toArray());
            if (rows.size() <= filter.limit()) {
                return new AlertPage(rows, null);
            }
            List<AlertView> page = rows.subList(0, filter.limit());
            return new AlertPage(page, ListFilter.Cursor.of(page.getLast().pendingSince(), page.getLast().id()).encode());
        });
    }

    Optional<AlertView> alert(long id) {
        return db.read("alert " + id, c -> alert(c, id));
    }

    Optional<AlertView> alert(Connection c, long id) throws SQLException {
        return Db.list(c, "SELECT " + ALERT_COLUMNS + " WHERE a.id = ?", this::alert, id).stream().findFirst();
    }

    /** Firing alerts per instance by severity, acknowledged and suppressed (instances without one are absent). */
    List<AlertCounts> counts() {
        return db.read("the alert counts", c -> Db.list(c, """
                SELECT a.instance_id,
                       count(*) FILTER (WHERE a.severity = 'critical') AS critical,
                       count(*) FILTER (WHERE a.severity = 'warning') AS warning,
                       count(*) FILTER (WHERE a.severity = 'info') AS info,
                       count(*) FILTER (WHERE i.state = 'acknowledged') AS acknowledged,
                       count(*) FILTER (WHERE a.suppressed) AS suppressed
                FROM alert a LEFT JOIN alert_incident i ON i.id = a.incident_id
                WHERE a.state = 'firing' AND a.instance_id IS NOT NULL
                GROUP BY a.instance_id ORDER BY a.instance_id""",
                rs -> new AlertCounts(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6))));
    }

    /** A page of incidents, each with its firing alerts. */
    IncidentPage incidents(ListFilter filter) {
        return db.read("the incident list", c -> {
            List<Object> values = new ArrayList<>();
            String sql = "SELECT " + INCIDENT_COLUMNS + " WHERE " + filter.where("i.opened_at", "i.id", values)
                    + " ORDER BY i.opened_at DESC, i.id DESC LIMIT ?";
            values.add(filter.limit() + 1);
            List<Incident> rows = Db.list(c, sql, this::incident, values.toArray());
            List<Incident> page = rows.size() <= filter.limit() ? rows : rows.subList(0, filter.limit());
            Map<Long, List<AlertView>> firing = new LinkedHashMap<>();
            if (!page.isEmpty()) {
                Long[] ids = page.stream().map(incident -> incident.view().id()).toArray(Long[]::new);
                for (AlertView alert : Db.list(c, "SELECT " + ALERT_COLUMNS
                        + " WHERE a.incident_id = ANY (?) AND a.state = 'firing' ORDER BY a.fired_at, a.id", this::alert, (Object) ids)) {
                    firing.computeIfAbsent(alert.incidentId(), id -> new ArrayList<>()).add(alert);
                }
            }
            List<IncidentView> views = page.stream().map(incident -> withAlerts(incident.view(), firing.getOrDefault(incident.view().id(), List.of())))
                    .toList();
            String next = rows.size() <= filter.limit() ? null
                    : ListFilter.Cursor.of(views.getLast().openedAt(), views.getLast().id()).encode();
            return new IncidentPage(views, next);
        });
    }

    /** One incident with all its alerts (at most {@link #MAX_DETAIL_ROWS}). */
    Optional<IncidentView> incident(long id) {
        return db.read("incident " + id, c -> incident(c, id, false).map(Incident::view));
    }

    /** One incident with all its alerts; {@code lock}: the row is locked for the transaction's change. */
    Optional<Incident> incident(Connection c, long id, boolean lock) throws SQLException {
        Optional<Incident> found = Db.list(c, "SELECT " + INCIDENT_COLUMNS + " WHERE i.id = ?" + (lock ? " FOR UPDATE OF i" : ""),
                this::incident, id).stream().findFirst();
        if (found.isEmpty()) {
            return found;
        }
        List<AlertView> alerts = alertsOf(c, id);
        return Optional.of(new Incident(withAlerts(found.get().view(), alerts), found.get().version()));
    }

    List<AlertView> alertsOf(Connection c, long incidentId) throws SQLException {
        return Db.list(c, "SELECT " + ALERT_COLUMNS + " WHERE a.incident_id = ? ORDER BY a.pending_since, a.id LIMIT ?", this::alert,
                incidentId, MAX_DETAIL_ROWS);
    }

    /** The incident of an alert; empty when the alert does not exist, an empty id when it has no incident (pending). */
    Optional<Optional<Long>> incidentOfAlert(long alertId) {
        return db.read("alert " + alertId, c -> {
            List<Optional<Long>> rows = Db.list(c, "SELECT incident_id FROM alert WHERE id = ?",
                    rs -> Optional.ofNullable(Db.longOrNull(rs, "incident_id")), alertId);
            return rows.stream().findFirst();
        });
    }

    /** Sets an open incident acknowledged (escalation and repeats stop: next_escalation_at is cleared). */
    void acknowledge(Connection c, long id, String by, Instant now) throws SQLException {
        Db.update(c, """
                UPDATE alert_incident SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, next_escalation_at = NULL,
                       version = version + 1 WHERE id = ?""", now, by, id);
    }

    /** Resolves an incident by hand. */
    void resolve(Connection c, long id, String by, Instant now) throws SQLException {
        Db.update(c, """
                UPDATE alert_incident SET state = 'resolved', resolved_at = ?, resolved_by = ?, next_escalation_at = NULL,
                       version = version + 1 WHERE id = ?""", now, by, id);
    }

    void incidentFeedback(Connection c, long id, String verdict, String comment, String by, Instant now) throws SQLException {
        Db.update(c, """
                UPDATE alert_incident SET feedback = ?, feedback_comment = ?, feedback_by = ?, feedback_at = ?, version = version + 1
                WHERE id = ?""", verdict, comment, by, now, id);
    }

    /**
     * Moves the sensitivity factor of the anomaly-based rules among {@code ruleIds} by {@code factor}, clamped to
     * {@code [min, max]}; returns the rules moved with their factor before and after.
     */
    List<double[]> scaleSensitivity(Connection c, List<Long> ruleIds, double factor, double min, double max) throws SQLException {
        if (ruleIds.isEmpty()) {
            return List.of();
        }
        return Db.list(c, """
                WITH old AS (SELECT id, sensitivity_factor FROM alert_rule WHERE id = ANY (?) AND condition->>'kind' = 'anomaly' FOR UPDATE)
                UPDATE alert_rule r SET sensitivity_factor = least(?, greatest(?, old.sensitivity_factor * ?)), version = r.version + 1
                FROM old WHERE r.id = old.id
                RETURNING r.id, old.sensitivity_factor, r.sensitivity_factor""",
                rs -> new double[]{rs.getLong(1), rs.getDouble(2), rs.getDouble(3)}, ruleIds.toArray(Long[]::new), max, min, factor);
    }

    NotificationPage notifications(ListFilter filter) {
        return db.read("the notification list", c -> {
            List<Object> values = new ArrayList<>();
            String sql = "SELECT " + NOTIFICATION_COLUMNS + " WHERE " + filter.where("n.created_at", "n.id", values)
                    + " ORDER BY n.created_at DESC, n.id DESC LIMIT ?";
            values.add(filter.limit() + 1);
            List<NotificationView> rows = Db.list(c, sql, AlertRepository::notification, values.toArray());
            if (rows.size() <= filter.limit()) {
                return new NotificationPage(rows, null);
            }
            List<NotificationView> page = rows.subList(0, filter.limit());
            return new NotificationPage(page, ListFilter.Cursor.of(page.getLast().createdAt(), page.getLast().id()).encode());
        });
    }

    /** The notifications of an incident, oldest first, at most {@link #MAX_DETAIL_ROWS}. */
    List<NotificationView> notificationsOf(long incidentId) {
        return db.read("the notifications of incident " + incidentId, c -> Db.list(c, "SELECT " + NOTIFICATION_COLUMNS
                + " WHERE n.incident_id = ? ORDER BY n.id LIMIT ?", AlertRepository::notification, incidentId, MAX_DETAIL_ROWS));
    }

    Optional<NotificationView> notification(Connection c, long id, boolean lock) throws SQLException {
        return Db.list(c, "SELECT " + NOTIFICATION_COLUMNS + " WHERE n.id = ?" + (lock ? " FOR UPDATE OF n" : ""),
                AlertRepository::notification, id).stream().findFirst();
    }

    void notificationFeedback(Connection c, long id, String verdict, String by, Instant now) throws SQLException {
        Db.update(c, "UPDATE alert_notification SET feedback = ?, feedback_by = ?, feedback_at = ? WHERE id = ?", verdict, by, now, id);
    }

    boolean incidentExists(long id) {
        return db.read("incident " + id, c -> !Db.list(c, "SELECT 1 FROM alert_incident WHERE id = ?", rs -> 1, id).isEmpty());
    }

    static IncidentView withAlerts(IncidentView v, List<AlertView> alerts) {
        return new IncidentView(v.id(), v.groupKey(), v.instanceId(), v.instanceName(), v.state(), v.severity(), v.title(), v.openedAt(),
                v.acknowledgedAt(), v.acknowledgedBy(), v.resolvedAt(), v.resolvedBy(), v.escalationLevel(), v.nextEscalationAt(),
                v.hints(), alerts, v.feedback(), v.feedbackBy());
    }

    AlertView alert(ResultSet rs) throws SQLException {
        return new AlertView(rs.getLong("id"), rs.getLong("rule_id"), rs.getString("rule_name"), Db.longOrNull(rs, "instance_id"),
                rs.getString("instance_name"), rs.getString("state"), rs.getString("severity"), json(rs.getString("labels"), LABELS, Map.of()),
                rs.getString("summary"), Db.doubleOrNull(rs, "value"), Db.instant(rs, "pending_since"), Db.instant(rs, "fired_at"),
                Db.instant(rs, "resolved_at"), Db.longOrNull(rs, "incident_id"), rs.getBoolean("suppressed"), rs.getBoolean("was_suppressed"),
                Db.longOrNull(rs, "anomaly_id"));
    }

    private Incident incident(ResultSet rs) throws SQLException {
        IncidentView view = new IncidentView(rs.getLong("id"), rs.getString("group_key"), Db.longOrNull(rs, "instance_id"),
                rs.getString("instance_name"), rs.getString("state"), rs.getString("severity"), rs.getString("title"),
                Db.instant(rs, "opened_at"), Db.instant(rs, "acknowledged_at"), rs.getString("acknowledged_by"),
                Db.instant(rs, "resolved_at"), rs.getString("resolved_by"), rs.getInt("escalation_level"),
                Db.instant(rs, "next_escalation_at"), json(rs.getString("hints"), HINTS, List.of()), List.of(), rs.getString("feedback"),
                rs.getString("feedback_by"));
        return new Incident(view, rs.getLong("version"));
    }

    static NotificationView notification(ResultSet rs) throws SQLException {
        return new NotificationView(rs.getLong("id"), Db.longOrNull(rs, "incident_id"), Db.longOrNull(rs, "route_id"),
                Db.longOrNull(rs, "receiver_id"), rs.getString("receiver_name"), rs.getString("recipient"), rs.getString("event"),
                Db.intOrNull(rs, "escalation_level"), rs.getString("state"), rs.getInt("attempts"), Db.instant(rs, "created_at"),
                Db.instant(rs, "sent_at"), Db.intOrNull(rs, "response_status"), rs.getString("last_error"), rs.getString("feedback"));
    }

    private <T> T json(String text, TypeReference<T> type, T otherwise) {
        if (text == null) {
            return otherwise;
        }
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            LOG.warn("alerting: an unreadable JSON column is shown empty: {}", e.getOriginalMessage());
            return otherwise;
        }
    }
}
