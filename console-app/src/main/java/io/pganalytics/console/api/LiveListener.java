package io.pganalytics.console.api;

import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.query.LiveUpdate;

/** Hears a live stream (an instance's, or the fleet's anomalies); called on a background thread. */
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

    /**
     * @param detail a sentence for the screen when reconnecting ("The server is unreachable: retrying in 4 s.")
     */
    void state(State state, String detail);
}
