package io.pganalytics.console.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A server's address as a person types it ({@code pga.example.com}, {@code https://10.0.0.5:8443},
 * {@code https://pga.example.com/api/v1}) made canonical: scheme, host and port, no path. HTTPS is assumed, and
 * port 8443 (the server's default) when none is given.
 */
public record ServerAddress(URI root) {
    public static final int DEFAULT_PORT = 8443;

    public static ServerAddress parse(String typed) {
        if (typed == null || typed.isBlank()) {
            throw new IllegalArgumentException("Enter the server's address, for example https://pganalytics.example.com:8443.");
        }
        String text = typed.strip();
        if (!text.contains("://")) {
            text = "https://" + text;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalArgumentException("The address must start with https:// (was " + scheme + "://).");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw new IllegalArgumentException("'" + typed.strip() + "' names no host.");
            }
            int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
            return new ServerAddress(new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), port, null, null, null));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + typed.strip() + "' is not a server address: " + e.getReason() + ".", e);
        }
    }

    public boolean encrypted() {
        return root.getScheme().equals("https");
    }

    /** {@code https://host:port/api/v1} */
    public String apiBase() {
        return root + "/api/v1";
    }

    public String host() {
        return root.getHost();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
