package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentView;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Where the evaluator tells of incidents that changed (server.alerting.notify): inside the transaction that changed
 * them, the notifier decides the notifications (routes, group timings) and inserts them into the notification log,
 * idempotently (a node that takes over and tells the same change again inserts nothing). Escalation levels and repeats
 * are the notifier's own timers.
 */
public interface IncidentNotifier {

    enum Event { FIRING, UPDATED, ESCALATED, RESOLVED }

    /**
     * An incident's change.
     *
     * @param incident the incident as it is now (without alerts)
     * @param event    FIRING: opened (its first alert fired); UPDATED: alerts joined or resolved while it stays open;
     *                 ESCALATED: its severity rose; RESOLVED: all its alerts resolved (or resolved by hand)
     * @param labels   the labels all its alerts share (what routes match)
     * @param alerts   its alerts now, suppressed ones included (marked)
     * @param sequence a number that grows with each change of this incident (part of the idempotency key)
     */
    record Change(IncidentView incident, Event event, Map<String, String> labels, List<AlertView> alerts, long sequence) {
        public Change {
            labels = Map.copyOf(labels);
            alerts = List.copyOf(alerts);
        }
    }

    void changed(Connection c, Change change) throws SQLException;
}
