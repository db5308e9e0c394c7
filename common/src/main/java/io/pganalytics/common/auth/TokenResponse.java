package io.pganalytics.common.auth;

import java.time.Instant;

/**
 * A pair of tokens: a short-lived access token for the {@code Authorization: Bearer} header and a single-use
 * refresh token that obtains the next pair.
 */
public record TokenResponse(String accessToken,
                            String tokenType,
                            Instant accessTokenExpiresAt,
                            String refreshToken,
                            Instant refreshTokenExpiresAt,
                            UserView user) {
    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", accessTokenExpiresAt=" + accessTokenExpiresAt
                + ", refreshTokenExpiresAt=" + refreshTokenExpiresAt + ", user=" + user + "]";
    }
}
