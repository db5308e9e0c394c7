package io.pganalytics.server.http;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code http} node: the API listener (HTTPS unless {@code tls.enabled} is false) and the admin listener.
 *
 * @param host          the interface both listeners bind to
 * @param port          the API port (0 picks a free one)
 * @param adminHost     the admin listener's interface (health and metrics; keep it off public networks)
 * @param adminPort     the admin port (0 picks a free one)
 * @param maxBodyBytes  the largest JSON request body accepted
 * @param shutdownGrace how long in-flight requests may finish when the server stops
 * @param publicUrl     the server's address as clients reach it (e.g. {@code https://pga.example.com:8443}), for answers
 *                      that tell a client where to come back; never taken from a request's Host header
 * @param headerTimeout a request's line and headers must have arrived this long after they began, or the connection
 *                      is closed (slow-header attacks)
 * @param readIdleTimeout the longest wait for the next bytes of a request body, and the longest an idle connection is
 *                      kept open between requests
 * @param tlsHandshakeTimeout a new connection must have finished its TLS handshake this long after it was accepted
 * @param tls           the API listener's TLS material
 * @param trustedProxies load balancers and proxies (CIDR blocks) whose {@code X-Forwarded-For} / {@code Forwarded}
 *                      header names the client; from any other peer those headers are ignored (default: none)
 */
public record HttpConfig(String host,
                         int port,
                         String adminHost,
                         int adminPort,
                         long maxBodyBytes,
                         Duration shutdownGrace,
                         Optional<String> publicUrl,
                         Duration headerTimeout,
                         Duration readIdleTimeout,
                         Duration tlsHandshakeTimeout,
                         Tls tls,
                         TrustedProxies trustedProxies) {

    /**
     * @param enabled          HTTPS on the API listener (default true)
     * @param certificateFile  a PEM certificate chain, with {@code keyFile}
     * @param keyFile          a PEM private key (PKCS#8 or PKCS#1), with {@code certificateFile}
     * @param pkcs12File       a PKCS#12 key store holding one key entry, instead of the PEM pair
     * @param pkcs12Password   its password
     * @param selfSignedNames  extra DNS names or IP addresses for the generated self-signed certificate
     */
    public record Tls(boolean enabled,
                      Optional<Path> certificateFile,
                      Optional<Path> keyFile,
                      Optional<Path> pkcs12File,
                      Optional<String> pkcs12Password,
                      List<String> selfSignedNames) {
        @Override
        public String toString() {
            return "Tls[enabled=" + enabled + ", certificateFile=" + certificateFile + ", keyFile=" + keyFile
                    + ", pkcs12File=" + pkcs12File + ", pkcs12Password=" + (pkcs12Password.isPresent() ? "***" : "none") + "]";
        }
    }

    public static HttpConfig from(Config node) {
        Config tlsNode = node.get("tls");
        Optional<Path> cert = Settings.path(tlsNode, "certificate-file");
        Optional<Path> key = Settings.path(tlsNode, "key-file");
        Optional<Path> pkcs12 = Settings.path(tlsNode, "pkcs12-file");
        if (cert.isPresent() != key.isPresent()) {
            throw Settings.problem(tlsNode, cert.isPresent() ? "key-file" : "certificate-file",
                    "http.tls.certificate-file and http.tls.key-file go together: set both or neither");
        }
        if (cert.isPresent() && pkcs12.isPresent()) {
            throw Settings.problem(tlsNode, "pkcs12-file", "set either the PEM pair or a PKCS#12 file, not both");
        }
        boolean enabled = Settings.bool(tlsNode, "enabled", true);
        if (!enabled && (cert.isPresent() || pkcs12.isPresent())) {
            throw Settings.problem(tlsNode, "enabled", "is false but TLS material is configured: remove one of them");
        }
        int port = Settings.integer(node, "port", 8443, 0, 65535);
        int adminPort = Settings.integer(node, "admin-port", 9090, 0, 65535);
        if (port != 0 && port == adminPort) {
            throw Settings.problem(node, "admin-port", "is the same as http.port (" + port + "): the two listeners need two ports");
        }
        return new HttpConfig(
                Settings.string(node, "host", "0.0.0.0"),
                port,
                Settings.string(node, "admin-host", "127.0.0.1"),
                adminPort,
                Settings.bytes(node, "max-body-bytes", 1024 * 1024, 1024, 64L * 1024 * 1024),
                Settings.duration(node, "shutdown-grace", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(5)),
                publicUrl(node),
                Settings.duration(node, "header-timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5)),
                Settings.duration(node, "read-idle-timeout", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)),
                Settings.duration(tlsNode, "handshake-timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5)),
                new Tls(enabled, cert, key, pkcs12, Settings.optionalString(tlsNode, "pkcs12-password"),
                        Settings.list(tlsNode, "self-signed-names")),
                trustedProxies(node));
    }

    private static TrustedProxies trustedProxies(Config node) {
        try {
            return TrustedProxies.parse(Settings.list(node, "trusted-proxies"));
        } catch (IllegalArgumentException e) {
            throw Settings.problem(node, "trusted-proxies", e.getMessage());
        }
    }

    /** The API's public base URL ({@code public-url} + {@code /api/v1}), when one is configured. */
    public Optional<String> publicApiUrl(String apiPrefix) {
        return publicUrl.map(url -> url + apiPrefix);
    }

    private static Optional<String> publicUrl(Config node) {
        Optional<String> text = Settings.optionalString(node, "public-url").map(String::trim).filter(s -> !s.isEmpty());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(text.get());
        } catch (URISyntaxException e) {
            throw Settings.problem(node, "public-url", "'" + text.get() + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getQuery() != null
                || uri.getFragment() != null || uri.getUserInfo() != null) {
            throw Settings.problem(node, "public-url", "'" + text.get()
                    + "' must be an http(s) URL with a host and no query, e.g. https://pganalytics.example.com:8443");
        }
        String url = text.get();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return Optional.of(url);
    }
}
