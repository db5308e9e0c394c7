package io.pganalytics.server.http;

import io.helidon.common.context.Contexts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Where a request came from, as the server believes it: the client address ({@link TrustedProxies}) and the
 * {@code User-Agent} as sent (cleaned and bounded only when recorded). Put in each API request's context by
 * {@link ApiCalls}; code that runs inside a request without the request at hand (sign-in events deep in a service)
 * reads it with {@link #current()}.
 */
public record ClientInfo(String address, String userAgent) {

    /** The request's, as {@link ApiCalls} registered it, else the TCP peer and the header as sent. */
    public static ClientInfo of(ServerRequest request) {
        return request.context().get(ClientInfo.class, ClientInfo.class).orElseGet(() -> new ClientInfo(
                TrustedProxies.NONE.clientAddress(request.remotePeer().address(), request.headers()),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null)));
    }

    /** The request being served on this thread, if any. */
    public static Optional<ClientInfo> current() {
        return Contexts.context().flatMap(context -> context.get(ClientInfo.class, ClientInfo.class));
    }
}
