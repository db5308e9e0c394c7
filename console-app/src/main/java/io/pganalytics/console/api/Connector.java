package io.pganalytics.console.api;

import java.util.List;

/** Finds servers, decides what to trust of them, and opens an API client to one. */
public interface Connector {
    /** The servers connected to before, most recent first. */
    List<KnownServer> knownServers();

    /**
     * Makes first contact: a TLS handshake and one unauthenticated call, to learn what certificate the server presents.
     *
     * @throws ApiException {@code UNREACHABLE} or {@code PROTOCOL}
     */
    Probe probe(ServerAddress address);

    /** Pins the certificate the probe saw, after a person accepted it. */
    void trust(Probe probe);

    /** An API client for a server whose certificate is trusted (pinned or vouched for). */
    ConsoleApi open(ServerAddress address);
}
