package io.pganalytics.common.auth;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a sign-in whose first factor was right but whose second is still owed: no tokens yet. The client
 * proves a second factor with {@code POST /api/v1/auth/mfa/verify} (or, when {@code enrolmentRequired}, enrols one
 * first), naming {@code challenge}.
 *
 * @param challenge         an opaque, single-use id of this half-finished sign-in; any server node accepts it
 * @param methods           the methods the person may use: {@code totp}, {@code hotp}, {@code backup-code}
 * @param enrolmentRequired the policy requires a second factor and the person has none yet: they must enrol one
 * @param expiresAt         when the challenge stops being accepted
 */
public record MfaChallenge(String challenge, List<String> methods, boolean enrolmentRequired, Instant expiresAt) {
    public MfaChallenge {
        methods = methods == null ? List.of() : List.copyOf(methods);
    }

    @Override
    public String toString() {
        return "MfaChallenge[challenge=***, methods=" + methods + ", enrolmentRequired=" + enrolmentRequired
                + ", expiresAt=" + expiresAt + "]";
    }
}
