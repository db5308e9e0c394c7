package io.pganalytics.server.auth.mfa;

import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.http.Caller;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** What MFA needs of the sign-in machinery: look up a user, open a session once a second factor is proven, and so on. */
public interface MfaSessions {
    Optional<MfaUser> user(long id);

    /** Opens a session without asking for a second factor again: {@code secondFactorAt} is when one was proven. */
    TokenResponse open(MfaUser user, Set<String> authMethods, String clientAddress, Instant secondFactorAt);

    /** A new access token of the caller's session, carrying {@code secondFactorAt}; no refresh token. */
    TokenResponse stepUp(Caller caller, Instant secondFactorAt);

    /** Ends every live session of a user, on every node, inside the caller's transaction; the number ended. */
    int endSessions(long userId, String reason);
}
