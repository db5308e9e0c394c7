package io.pganalytics.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.CallerAuthenticator;

import java.util.Locale;
import java.util.Optional;

/** Authenticates people by the access token in {@code Authorization: Bearer <token>}. */
final class UserAuthenticator implements CallerAuthenticator {
    private static final String BEARER = "bearer ";

    private final AccessTokens tokens;

    UserAuthenticator(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Optional<Caller> authenticate(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        if (value.length() < BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw ApiException.unauthenticated("the Authorization header must be 'Bearer <access token>'");
        }
        return Optional.of(tokens.verify(value.substring(BEARER.length()).trim()));
    }
}
