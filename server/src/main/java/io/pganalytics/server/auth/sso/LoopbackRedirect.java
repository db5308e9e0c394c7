package io.pganalytics.server.auth.sso;

import io.pganalytics.server.http.ApiException;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The console's loopback redirect URI (RFC 8252 7.3), checked: {@code http://127.0.0.1:<port>/<path>} or
 * {@code http://[::1]:<port>/<path>} and nothing else: no host name (not even localhost, RFC 8252 8.3), no user info,
 * query or fragment, an explicit port. Anything else could send the one-time code to another machine.
 */
final class LoopbackRedirect {
    static final int MAX_LENGTH = 512;

    private LoopbackRedirect() {
    }

    static URI check(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid("redirect_uri", "is required: http://127.0.0.1:<port>/<path> of the console's loopback listener");
        }
        if (text.length() > MAX_LENGTH) {
            throw ApiException.invalid("redirect_uri", "is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw refused(text);
        }
        String host = uri.getHost();
        boolean loopbackHost = "127.0.0.1".equals(host) || "[::1]".equals(host);
        boolean exact = "http".equals(uri.getScheme()) && loopbackHost
                && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                && uri.getPort() >= 1 && uri.getPort() <= 65535
                && (host + ":" + uri.getPort()).equals(uri.getRawAuthority())
                && uri.getRawPath() != null && uri.getRawPath().startsWith("/");
        if (!exact) {
            throw refused(text);
        }
        return uri;
    }

    private static ApiException refused(String text) {
        return ApiException.invalid("redirect_uri", "must be the console's loopback listener, http://127.0.0.1:<port>/<path> or "
                + "http://[::1]:<port>/<path>, was '" + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'");
    }
}
