package io.pganalytics.server.audit;

import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.RequestParameters;

/**
 * Who made a request, as an audit record names them: the authenticated caller, the client address and the user agent.
 * The address and user agent are those the API call records hold ({@link io.pganalytics.server.http.ClientInfo}:
 * the TCP peer, or what a trusted proxy forwarded).
 */
public final class RequestActor {
    private RequestActor() {
    }

    /** The authenticated caller of {@code request} (a route that requires a role has one). */
    public static AuditEvent.Actor of(ServerRequest request) {
        return AuditEvent.Actor.of(ApiRules.caller(request), address(request), userAgent(request));
    }

    /** The client address the server trusts for this request. */
    public static String address(ServerRequest request) {
        return RequestParameters.clientAddress(request);
    }

    /** The User-Agent as sent (bounded and cleaned when the record is written), or null. */
    public static String userAgent(ServerRequest request) {
        return io.pganalytics.server.http.ClientInfo.of(request).userAgent();
    }
}
