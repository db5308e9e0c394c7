package io.pganalytics.console.api;

import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.LiveUpdate;

/** Hears a live stream (an instance's, the fleet's anomalies or alerts); called on a background thread. */
public interface LiveListener {
    /** How the stream is doing. */
    enum State {
        CONNECTING, LIVE,
        /** The connection carried nothing, not even a heartbeat, for three heartbeat periods: closed, reconnecting. */
        STALE,
        RECONNECTING, SESSION_EXPIRED, CLOSED
    }

    void update(LiveUpdate update);

    /** An anomaly opened, grew or closed ({@code event: anomaly}); streams that carry none never call it. */
    default void anomaly(AnomalyView anomaly) {
    }

    /** An alert or incident changed ({@code event: alert}); streams that carry none never call it. */
    default void alert(AlertEvent event) {
    }

    /**
     * @param detail a sentence for the screen when reconnecting ("The server is unreachable: retrying in 4 s.")
     */
    void state(State state, String detail);
}
