package io.pganalytics.server.http;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/** What routes read from a request besides its body: bounded whole-number parameters, the client's address, the base URL. */
public final class RequestParameters {
    private RequestParameters() {
    }

    /** A query parameter as a whole number within [min, max], or the default when absent; a 400 naming it otherwise. */
    public static int intParameter(ServerRequest request, String name, int defaultValue, int min, int max) {
        Optional<String> text = request.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number from " + min + " to " + max + ", was '" + abbreviate(text.get()) + "'");
        }
        if (value < min || value > max) {
            throw ApiException.invalid(name, "must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /**
     * The client's address as this node sees it. Forwarded headers are not trusted: behind a load balancer every
     * client shares the balancer's address for rate limiting until trusted proxies are configurable.
     */
    public static String clientAddress(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    /** The API's base URL as the client reached it (scheme, host and port of the request), e.g. {@code https://h:8443/api/v1}. */
    public static String apiBaseUrl(ServerRequest request, String apiPrefix) {
        var uri = request.requestedUri();
        String host = uri.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return uri.scheme() + "://" + host + ":" + uri.port() + apiPrefix;
    }

    /** A client-supplied value fit for an error message: at most 40 characters. */
    public static String abbreviate(String text) {
        return text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
