package io.pganalytics.server.http;

/** The route a request matched, as registered: put in the request's context by {@link ApiRules} for {@link ApiCalls}. */
record RouteInfo(String template, CallRecorder recorder) {
}
