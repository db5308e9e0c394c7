package io.pganalytics.console.api;

import java.time.Instant;

/**
 * A server the console has connected to, as remembered in {@code servers.json}.
 *
 * @param url             its canonical address ({@link ServerAddress})
 * @param fingerprint     the SHA-256 fingerprint of the certificate pinned for it, or null when a certificate
 *                        authority vouches for it
 * @param lastUsername    who signed in last (a convenience, never a secret)
 * @param lastConnectedAt when it was last used
 */
public record KnownServer(String url, String fingerprint, String lastUsername, Instant lastConnectedAt) {
    public boolean pinned() {
        return fingerprint != null;
    }
}
