package io.pganalytics.server.live;

/**
 * One event as it travels to subscribers: its SSE id, name and JSON ({@link io.pganalytics.common.query.LiveUpdate} for
 * {@code update}, {@link io.pganalytics.common.anomaly.AnomalyView} for {@code anomaly}, {@link io.pganalytics.common.alerting.AlertEvent} for
 * {@code alert}).
 *
 * @param id         the SSE id (cluster-wide unique, increasing with time)
 * @param instanceId the instance it is about
 * @param name       the SSE event name
 * @param json       the event's data
 */
record LiveEvent(long id, long instanceId, String name, String json) {
    static final String UPDATE = "update";
    static final String ANOMALY = "anomaly";
    static final String ALERT = "alert";
    /** Ends a subscriber's stream (shutdown). */
    static final LiveEvent END = new LiveEvent(Long.MIN_VALUE, -1, "end", "");

    LiveEvent(long id, long instanceId, String json) {
        this(id, instanceId, UPDATE, json);
    }

    boolean isAnomaly() {
        return ANOMALY.equals(name);
    }

    /** An anomaly or alert event: each is sent once, never skipped as stale (unlike updates, where only the newest counts). */
    boolean isNotice() {
        return ANOMALY.equals(name) || ALERT.equals(name);
    }
}
