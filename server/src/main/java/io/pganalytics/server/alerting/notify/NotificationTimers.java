package io.pganalytics.server.alerting.notify;

import io.pganalytics.server.alerting.AlertingConfig;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifier's own timers, run by every node (each incident taken with {@code FOR UPDATE SKIP LOCKED}, each row
 * idempotent by its key): the next step of an escalation policy for an open, unacknowledged incident; the repeat of
 * such an incident every {@code repeatInterval} on routes to receivers; and one acknowledgement notice per route
 * once an incident is acknowledged (PagerDuty's {@code acknowledge}).
 */
final class NotificationTimers {
    static final int BATCH = 50;
    static final Duration ACKNOWLEDGED_LOOKBACK = Duration.ofDays(1);

    private final AlertingConfig config;
    private final DataSource dataSource;
    private final EscalationPolicies policies;
    private final NotificationLog log;
    private final Clock clock;

    NotificationTimers(AlertingConfig config, DataSource dataSource, EscalationPolicies policies, NotificationLog log,
                       Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        this.policies = policies;
        this.log = log;
        this.clock = clock;
    }

    /** One round of every timer; the number of incidents that got a notification. */
    int run() throws SQLException {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int done = escalations(c, now) + repeats(c, now) + acknowledgements(c, now);
                c.commit();
                return done;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private int escalations(Connection c, Instant now) throws SQLException {
        List<long[]> due = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, escalation_level FROM alert_incident WHERE state = 'open' AND next_escalation_at <= ? "
                + "ORDER BY next_escalation_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED")) {
            s.setTimestamp(1, Timestamp.from(now));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    due.add(new long[]{r.getLong(1), r.getInt(2)});
                }
            }
        }
        for (long[] incident : due) {
            int step = (int) incident[1] + 1;
            Instant next = null;
            for (long[] routePolicy : policyRoutes(c, incident[0])) {
                Optional<EscalationPolicies.Policy> policy = policies.find(c, routePolicy[1]);
                if (policy.isEmpty() || step >= policy.get().steps()) {
                    continue;
                }
                for (NotificationLog.Entry entry : policies.step(incident[0], routePolicy[0], policy.get(), step, "escalated", now)) {
                    log.insert(c, entry);
                }
                if (step + 1 < policy.get().steps()) {
                    Instant at = now.plus(policy.get().after(step));
                    next = next == null || at.isBefore(next) ? at : next;
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE alert_incident SET escalation_level = ?, next_escalation_at = ? WHERE id = ?")) {
                s.setInt(1, step);
                if (next == null) {
                    s.setNull(2, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    s.setTimestamp(2, Timestamp.from(next));
                }
                s.setLong(3, incident[0]);
                s.executeUpdate();
            }
        }
        return due.size();
    }

    /** The routes to escalation policies that notified the incident: [route id, policy id]. */
    private static List<long[]> policyRoutes(Connection c, long incident) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT r.id, r.escalation_policy_id FROM alert_notification n "
                + "JOIN alert_route r ON r.id = n.route_id WHERE n.incident_id = ? AND n.event = 'firing' AND r.escalation_policy_id IS NOT NULL")) {
            s.setLong(1, incident);
            List<long[]> found = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(new long[]{r.getLong(1), r.getLong(2)});
                }
            }
            return found;
        }
    }

    /** Open incidents notified through a route to a receiver whose last firing or repeat is older than the route's repeat interval. */
    private int repeats(Connection c, Instant now) throws SQLException {
        int done = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT n.incident_id, n.route_id, n.receiver_id, count(*) FILTER (WHERE n.event = 'repeat'), "
                + "max(n.created_at), coalesce(r.repeat_interval_seconds, ?) FROM alert_notification n JOIN alert_incident i ON i.id = n.incident_id "
                + "JOIN alert_route r ON r.id = n.route_id WHERE i.state = 'open' AND r.receiver_id IS NOT NULL AND n.event IN ('firing', 'repeat') "
                + "AND n.state <> 'dropped' GROUP BY n.incident_id, n.route_id, n.receiver_id, r.repeat_interval_seconds "
                + "HAVING max(n.created_at) + make_interval(secs => coalesce(r.repeat_interval_seconds, ?)) <= ? LIMIT " + BATCH)) {
            s.setLong(1, config.repeatInterval().toSeconds());
            s.setLong(2, config.repeatInterval().toSeconds());
            s.setTimestamp(3, Timestamp.from(now));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long incident = r.getLong(1);
                    long route = r.getLong(2);
                    long n = r.getLong(4) + 1;
                    if (log.insert(c, new NotificationLog.Entry("incident:" + incident + ":repeat:" + n + ":" + route, incident, route, r.getLong(3),
                            null, "repeat", null, Map.of("repeat", n), now, null))) {
                        done++;
                    }
                }
            }
        }
        return done;
    }

    /** One acknowledgement notice per route to a receiver that notified an incident acknowledged in the last day. */
    private int acknowledgements(Connection c, Instant now) throws SQLException {
        int done = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT n.incident_id, n.route_id, n.receiver_id FROM alert_notification n "
                + "JOIN alert_incident i ON i.id = n.incident_id JOIN alert_route r ON r.id = n.route_id "
                + "WHERE i.state = 'acknowledged' AND i.acknowledged_at > ? AND r.receiver_id IS NOT NULL AND n.event = 'firing' AND n.state = 'sent' "
                + "AND NOT EXISTS (SELECT 1 FROM alert_notification a WHERE a.dedup_key = 'incident:' || n.incident_id || ':acknowledged:0:' || n.route_id) "
                + "LIMIT " + BATCH)) {
            s.setTimestamp(1, Timestamp.from(now.minus(ACKNOWLEDGED_LOOKBACK)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long incident = r.getLong(1);
                    long route = r.getLong(2);
                    if (log.insert(c, new NotificationLog.Entry("incident:" + incident + ":acknowledged:0:" + route, incident, route, r.getLong(3),
                            null, "updated", null, Map.of("acknowledged", true), now, null))) {
                        done++;
                    }
                }
            }
        }
        return done;
    }
}
