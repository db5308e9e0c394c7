package io.pganalytics.console.login;

import java.net.URI;

/**
 * Opens a page in the person's own web browser (RFC 8252: single sign-on happens there, never in the console). Tests
 * put an HTTP client in its place that follows the same redirects.
 */
@FunctionalInterface
public interface Browser {
    /** Opens {@code page}; returns at once, without waiting for the person. */
    void open(URI page);
}
