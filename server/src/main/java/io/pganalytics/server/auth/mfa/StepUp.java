package io.pganalytics.server.auth.mfa;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;

import java.time.Clock;
import java.time.Instant;

/**
 * Asks for a fresh second factor before an action that changes who may do what (users, roles, providers, factors).
 * A person who has a second factor, or whom the policy requires to have one, must have proven it within
 * {@code auth.mfa.step-up-max-age}; otherwise the action is refused with {@code step_up_required} (403) and the client
 * proves one with {@code POST /auth/mfa/step-up} and repeats it.
 */
public final class StepUp {
    private final MfaConfig config;
    private final MfaStore store;
    private final Clock clock;

    StepUp(MfaConfig config, MfaStore store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** @throws ApiException {@code step_up_required} when the caller owes a fresh second factor */
    public void require(Caller caller) {
        if (!caller.isUser()) {
            throw ApiException.forbidden("only people can make this change");
        }
        if (!due(caller)) {
            return;
        }
        Instant at = caller.secondFactorAt();
        throw new ApiException(ErrorType.STEP_UP_REQUIRED, "this change needs a second factor proven within the last "
                + describe(config.stepUpMaxAge()) + (at == null ? "" : " (yours was at " + at + ")")
                + ": prove one with POST /api/v1/auth/mfa/step-up, then repeat the request with the new access token");
    }

    /** Whether a person owes a fresh second factor before such a change: {@link #require} would refuse them. */
    public boolean due(Caller caller) {
        boolean owes = config.requires(caller.roles()) || store.hasFactor(Long.parseLong(caller.id()));
        if (!owes) {
            return false;
        }
        Instant at = caller.secondFactorAt();
        return at == null || clock.instant().isAfter(at.plus(config.stepUpMaxAge()));
    }

    private static String describe(java.time.Duration age) {
        return age.toSeconds() % 60 == 0 ? age.toMinutes() + " min" : age.toSeconds() + " s";
    }
}
