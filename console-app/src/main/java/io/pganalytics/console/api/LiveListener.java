package io.pganalytics.console.api;

import io.pganalytics.common.query.LiveUpdate;

/** Hears an instance's live stream; called on a background thread. */
public interface LiveListener {
    /** How the stream is doing. */
    enum State {
        CONNECTING, LIVE,
        /** The connection carried nothing, not even a heartbeat, for three heartbeat periods: closed, reconnecting. */
        STALE,
        RECONNECTING, SESSION_EXPIRED, CLOSED
    }

    void update(LiveUpdate update);

    /**
     * @param detail a sentence for the screen when reconnecting ("The server is unreachable: retrying in 4 s.")
     */
    void state(State state, String detail);
}
