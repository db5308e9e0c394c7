package io.pganalytics.server.http;

import io.helidon.common.context.Context;

import java.util.Map;
import java.util.Optional;

/**
 * One API call as answered.
 *
 * @param caller         who, when the request was authenticated; null otherwise
 * @param client         the trusted client address and the user agent
 * @param method         the request method
 * @param route          the route template as registered ({@code /api/v1/users/{id}}); null when no route matched
 * @param path           the path as requested (for calls no route matched: it is all there is)
 * @param pathParameters the template's parameters as requested
 * @param status         the status answered
 * @param errorType      the error envelope's type (wire name) when the call failed, else null
 * @param errorMessage   the error envelope's message when the call failed, else null
 * @param durationMicros from the request's arrival at the filters until the answer was sent (the stream's opening
 *                       for a live stream)
 * @param context        the request's context, for a route's own recorder to read what its handler left there
 */
public record ApiCall(Caller caller, ClientInfo client, String method, String route, String path, Map<String, String> pathParameters,
                      int status, String errorType, String errorMessage, long durationMicros, Context context) {

    public Optional<Caller> authenticated() {
        return Optional.ofNullable(caller);
    }
}
