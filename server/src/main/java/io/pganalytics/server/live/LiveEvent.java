package io.pganalytics.server.live;

/**
 * One event as it travels to subscribers: its SSE id, name and JSON ({@link io.pganalytics.common.query.LiveUpdate} for
 * {@code update}, {@link io.pganalytics.common.anomaly.AnomalyView} for {@code anomaly}).
 *
 * @param id         the SSE id (cluster-wide unique, increasing with time)
 * @param instanceId the instance it is about
 * @param name       the SSE event name
 * @param json       the event's data
 */
record LiveEvent(long id, long instanceId, String name, String json) {
    static final String UPDATE = "update";
    static final String ANOMALY = "anomaly";
    /** Ends a subscriber's stream (shutdown). */
    static final LiveEvent END = new LiveEvent(Long.MIN_VALUE, -1, "end", "");

    LiveEvent(long id, long instanceId, String json) {
        this(id, instanceId, UPDATE, json);
    }

    boolean isAnomaly() {
        return ANOMALY.equals(name);
    }
}
