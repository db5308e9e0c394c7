package io.pganalytics.console.api;

import io.pganalytics.common.auth.MfaChallenge;
import io.pganalytics.common.auth.UserView;

/**
 * Where a sign-in step left the person: signed in ({@code user}), or owing a second factor ({@code mfa}).
 * Exactly one is set.
 */
public record SignIn(UserView user, MfaChallenge mfa) {
    public static SignIn signedIn(UserView user) {
        return new SignIn(user, null);
    }

    public static SignIn challenged(MfaChallenge mfa) {
        return new SignIn(null, mfa);
    }

    public boolean complete() {
        return mfa == null;
    }
}
