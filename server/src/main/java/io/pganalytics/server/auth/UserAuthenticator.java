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
    private static final String COLLECTOR_CREDENTIAL_PREFIX = "pgac_";
    private static final String REGISTRATION_TOKEN_PREFIX = "pgart_";

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
        String token = value.substring(BEARER.length()).trim();
        if (token.startsWith(COLLECTOR_CREDENTIAL_PREFIX) || token.startsWith(REGISTRATION_TOKEN_PREFIX)) {
            // Said plainly rather than left to fail as a malformed JWT: a collector never acts as a person.
            throw ApiException.unauthenticated("a collector's credential or registration token cannot be used on people's routes: "
                    + "sign in with a user's access token");
        }
        return Optional.of(tokens.verify(token));
    }
}
