package io.pganalytics.console.api;

import io.pganalytics.common.alerting.AlertCounts;
import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertPage;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.IncidentPage;
import io.pganalytics.common.alerting.IncidentView;
import io.pganalytics.common.alerting.NotificationView;
import io.pganalytics.common.alerting.Silence;

import java.util.List;

/**
 * Alerts and incidents ({@code /api/v1/alerts}, {@code /incidents}, docs/API.md "Alerting") on a session
 * ({@link ConsoleApi#alerts()}). Every method but {@link #live} blocks (call it off the FX thread) and fails with an
 * {@link ApiException}; the server checks the role of every call (viewers read; operators acknowledge, resolve, give
 * feedback and silence).
 */
public interface AlertsApi {
    /** The most alerts or incidents the server lists in one page. */
    int MAX_PAGE = 500;

    /** The fleet's alerts matching {@code query}, newest first; {@code cursor} is the last page's {@link AlertPage#next()}. */
    AlertPage alerts(AlertQuery query, int limit, String cursor);

    AlertView alert(long id);

    /** Firing alerts per instance by severity (the fleet overview's badges); instances with none are left out. */
    List<AlertCounts> counts();

    /** The incidents matching {@code query} (its state, instance and range), newest first. */
    IncidentPage incidents(AlertQuery query, int limit, String cursor);

    /** One incident with all its alerts. */
    IncidentView incident(long id);

    /** Acknowledges the incident of alert {@code alertId} (operators): escalation and repeats stop. */
    IncidentView acknowledgeAlert(long alertId);

    /** Acknowledges an incident (operators). */
    IncidentView acknowledge(long incidentId);

    /** Resolves an incident by hand (operators). */
    IncidentView resolve(long incidentId);

    /** "Useful" or "noise" (operators); the incident as it is now. */
    IncidentView feedback(long incidentId, AlertFeedback feedback);

    /** What was sent for an incident, to whom, and what became of it, oldest first. */
    List<NotificationView> notifications(long incidentId);

    /** Creates a silence (operators): only its matchers, start, end and reason are read. */
    Silence silence(Silence silence);

    /**
     * Subscribes to the fleet's alerts and incidents as they change ({@code GET /alerts/live}, event {@code alert}),
     * reconnecting with backoff until closed; the listener's {@link LiveListener#alert} and {@link LiveListener#state}
     * are called on a background thread.
     */
    LiveSubscription live(LiveListener listener);
}
