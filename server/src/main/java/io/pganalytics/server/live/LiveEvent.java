package io.pganalytics.server.live;

/**
 * One update as it travels to subscribers: its SSE id and its JSON ({@link io.pganalytics.common.query.LiveUpdate}).
 *
 * @param id         the SSE id (cluster-wide unique, increasing with time)
 * @param instanceId the instance it is about
 * @param json       the event's data
 */
record LiveEvent(long id, long instanceId, String json) {
    /** Ends a subscriber's stream (shutdown). */
    static final LiveEvent END = new LiveEvent(Long.MIN_VALUE, -1, "");
}
