package io.pganalytics.server.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;

/**
 * The headers every API answer carries, errors included: no MIME sniffing, no framing, a content policy that lets a
 * browser run nothing from a JSON answer, and HSTS when the API is served over TLS. {@code Cache-Control: no-store}
 * is set where bodies are written ({@link JsonBodies}), so that tokens and data are never kept by a cache.
 */
public final class SecurityHeaders {
    static final HeaderName CONTENT_TYPE_OPTIONS = HeaderNames.create("X-Content-Type-Options");
    static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");
    static final HeaderName STRICT_TRANSPORT_SECURITY = HeaderNames.create("Strict-Transport-Security");
    static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    /** One year, the usual HSTS preload figure; no includeSubDomains: the API host says nothing of its neighbours. */
    static final String HSTS = "max-age=31536000";

    private final boolean tls;

    public SecurityHeaders(boolean tls) {
        this.tls = tls;
    }

    /** Sets the headers on an answer about to be written; any earlier value of them is replaced. */
    public void apply(WritableHeaders<?> headers) {
        headers.set(CONTENT_TYPE_OPTIONS, "nosniff");
        headers.set(FRAME_OPTIONS, "DENY");
        headers.set(CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'");
        headers.set(REFERRER_POLICY, "no-referrer");
        if (tls) {
            headers.set(STRICT_TRANSPORT_SECURITY, HSTS);
        }
    }
}
