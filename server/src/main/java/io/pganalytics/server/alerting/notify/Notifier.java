package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.alerting.IncidentNotifier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides an incident's notifications in the evaluator's transaction: the matching routes (position order,
 * {@code continueMatching}), then per route FIRING after {@code groupWait}, UPDATED at most once per
 * {@code groupInterval} (the key carries the interval's bucket, the row is due at the bucket's end), a severity
 * escalation and RESOLVED at once (never before the route's first notification). An incident whose firing alerts are
 * all suppressed is not notified. A route to an escalation policy notifies the policy's first level and sets the
 * incident's escalation timer; updates do not page it again, its resolution tells every target it reached.
 */
final class Notifier implements IncidentNotifier {
    private final AlertingConfig config;
    private final RouteStore routes;
    private final EscalationPolicies policies;
    private final NotificationLog log;
    private final Clock clock;

    Notifier(AlertingConfig config, RouteStore routes, EscalationPolicies policies, NotificationLog log, Clock clock) {
        this.config = config;
        this.routes = routes;
        this.policies = policies;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void changed(Connection c, Change change) throws SQLException {
        long incident = change.incident().id();
        Instant now = clock.instant();
        if (change.event() != Event.RESOLVED && allSuppressed(change.alerts())) {
            return;
        }
        for (RouteStore.Route route : routes.matching(c, change.labels())) {
            Optional<Instant> firstDue = firstDue(c, incident, route.id());
            switch (change.event()) {
                case FIRING -> {
                    if (firstDue.isEmpty()) {
                        firing(c, change, route, now);
                    }
                }
                case UPDATED, ESCALATED -> {
                    if (firstDue.isEmpty()) {
                        firing(c, change, route, now);
                    } else if (route.receiverId() != null) {
                        update(c, change, route, now, firstDue.get());
                    }
                }
                case RESOLVED -> {
                    if (firstDue.isPresent()) {
                        resolved(c, change, route, now.isAfter(firstDue.get()) ? now : firstDue.get());
                    }
                }
            }
        }
        if (change.event() == Event.RESOLVED) {
            try (PreparedStatement s = c.prepareStatement("UPDATE alert_incident SET next_escalation_at = NULL WHERE id = ?")) {
                s.setLong(1, incident);
                s.executeUpdate();
            }
        }
    }

    private void firing(Connection c, Change change, RouteStore.Route route, Instant now) throws SQLException {
        long incident = change.incident().id();
        Instant due = now.plus(orDefault(route.groupWait(), config.groupWait()));
        if (route.receiverId() != null) {
            log.insert(c, new NotificationLog.Entry("incident:" + incident + ":firing:" + change.sequence() + ":" + route.id(), incident, route.id(),
                    route.receiverId(), null, "firing", null, Map.of("sequence", change.sequence()), due, null));
            return;
        }
        Optional<EscalationPolicies.Policy> policy = policies.find(c, route.policyId());
        if (policy.isEmpty()) {
            return;
        }
        for (NotificationLog.Entry entry : policies.step(incident, route.id(), policy.get(), 0, "firing", due)) {
            log.insert(c, entry);
        }
        if (policy.get().steps() > 1) {
            Instant next = due.plus(policy.get().after(0));
            try (PreparedStatement s = c.prepareStatement("UPDATE alert_incident SET escalation_level = 0, next_escalation_at = "
                    + "CASE WHEN next_escalation_at IS NULL OR next_escalation_at > ? THEN ? ELSE next_escalation_at END WHERE id = ?")) {
                s.setTimestamp(1, Timestamp.from(next));
                s.setTimestamp(2, Timestamp.from(next));
                s.setLong(3, incident);
                s.executeUpdate();
            }
        }
    }

    private void update(Connection c, Change change, RouteStore.Route route, Instant now, Instant firstDue) throws SQLException {
        long incident = change.incident().id();
        String key;
        Instant due;
        if (change.event() == Event.ESCALATED) {
            key = "incident:" + incident + ":severity:" + change.sequence() + ":" + route.id();
            due = now;
        } else {
            long interval = orDefault(route.groupInterval(), config.groupInterval()).toMillis();
            long bucket = now.toEpochMilli() / interval;
            key = "incident:" + incident + ":updated:" + bucket + ":" + route.id();
            due = Instant.ofEpochMilli((bucket + 1) * interval);
        }
        log.insert(c, new NotificationLog.Entry(key, incident, route.id(), route.receiverId(), null, "updated", null,
                Map.of("sequence", change.sequence()), due.isBefore(firstDue) ? firstDue : due, null));
    }

    private void resolved(Connection c, Change change, RouteStore.Route route, Instant due) throws SQLException {
        long incident = change.incident().id();
        String prefix = "incident:" + incident + ":resolved:" + change.sequence() + ":" + route.id();
        if (route.receiverId() != null) {
            log.insert(c, new NotificationLog.Entry(prefix, incident, route.id(), route.receiverId(), null, "resolved", null,
                    Map.of("sequence", change.sequence()), due, null));
            return;
        }
        // every target the policy reached hears of the resolution once
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT receiver_id, recipient FROM alert_notification WHERE incident_id = ? "
                + "AND route_id = ? AND event IN ('firing', 'escalated') AND state IN ('pending', 'sent') AND receiver_id IS NOT NULL LIMIT 100")) {
            s.setLong(1, incident);
            s.setLong(2, route.id());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long receiver = r.getLong(1);
                    String recipient = r.getString(2);
                    String target = receiver + (recipient == null ? "" : ":" + Integer.toHexString(recipient.toLowerCase().hashCode()));
                    log.insert(c, new NotificationLog.Entry(prefix + ":" + target, incident, route.id(), receiver, recipient, "resolved", null,
                            Map.of("sequence", change.sequence()), due, null));
                }
            }
        }
    }

    /** When the route's first notification of the incident is (was) due; empty when it has none. */
    private static Optional<Instant> firstDue(Connection c, long incident, long route) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT min(next_attempt_at) FILTER (WHERE state = 'pending'), min(created_at), count(*) "
                + "FROM alert_notification WHERE incident_id = ? AND route_id = ? AND event = 'firing' AND state <> 'dropped'")) {
            s.setLong(1, incident);
            s.setLong(2, route);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getLong(3) == 0) {
                    return Optional.empty();
                }
                Timestamp pending = r.getTimestamp(1);
                return Optional.of(pending != null ? pending.toInstant() : r.getTimestamp(2).toInstant());
            }
        }
    }

    private static boolean allSuppressed(List<AlertView> alerts) {
        List<AlertView> firing = alerts.stream().filter(alert -> AlertView.FIRING.equals(alert.state())).toList();
        return !firing.isEmpty() && firing.stream().allMatch(AlertView::suppressed);
    }

    private static Duration orDefault(Duration value, Duration otherwise) {
        return value != null ? value : otherwise;
    }
}
