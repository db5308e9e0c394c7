package io.pganalytics.server.http;

/**
 * Where {@link ApiCalls} hands each finished API call. The audit trail's recorder writes one record per call; a route
 * that accounts for its calls another way (the ingest: counts per collector and window) registers its own with
 * {@link ApiRules#post(String, Access, CallRecorder, io.helidon.webserver.http.Handler)}.
 */
@FunctionalInterface
public interface CallRecorder {
    void record(ApiCall call);
}
