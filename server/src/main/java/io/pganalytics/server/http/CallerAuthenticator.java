package io.pganalytics.server.http;

import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/**
 * Turns a request's credentials into a {@link Caller}. Each kind of credential (a person's access token, a
 * collector's credential) has its own implementation; {@link ApiRules} asks the one that fits the route's access.
 */
public interface CallerAuthenticator {
    /**
     * @return the caller, or empty when the request carries no credentials of this kind
     * @throws ApiException {@code unauthenticated} when credentials are present but invalid, expired or revoked
     */
    Optional<Caller> authenticate(ServerRequest request);

    /** Authenticates nobody: the hot path carries no null checks when a kind of credential is not configured. */
    CallerAuthenticator NONE = request -> Optional.empty();
}
