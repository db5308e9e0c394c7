package io.pganalytics.common.auth;

import java.time.Instant;

/**
 * A pair of tokens: a short-lived access token for the {@code Authorization: Bearer} header and a single-use
 * refresh token that obtains the next pair. A sign-in that still owes a second factor answers with {@code mfa} set
 * and no tokens: see {@link MfaChallenge}.
 */
public record TokenResponse(String accessToken,
                            String tokenType,
                            Instant accessTokenExpiresAt,
                            String refreshToken,
                            Instant refreshTokenExpiresAt,
                            UserView user,
                            MfaChallenge mfa) {
    /** A finished sign-in: tokens, no challenge. */
    public TokenResponse(String accessToken, String tokenType, Instant accessTokenExpiresAt, String refreshToken,
                         Instant refreshTokenExpiresAt, UserView user) {
        this(accessToken, tokenType, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, user, null);
    }

    /** A sign-in that owes a second factor: a challenge, no tokens. */
    public static TokenResponse challenge(MfaChallenge mfa) {
        return new TokenResponse(null, null, null, null, null, null, mfa);
    }

    /** Whether this holds tokens (rather than an MFA challenge). */
    public boolean complete() {
        return mfa == null;
    }

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", accessTokenExpiresAt=" + accessTokenExpiresAt
                + ", refreshTokenExpiresAt=" + refreshTokenExpiresAt + ", user=" + user + ", mfa=" + mfa + "]";
    }
}
