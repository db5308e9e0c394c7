package io.pganalytics.server.auth.mfa;

import java.util.List;

/**
 * A sign-in whose first factor was right and whose second is owed, kept in the cluster for the challenge's life.
 *
 * @param userId            the person
 * @param username          for the throttle and the logs
 * @param authMethods       how the first factor was proven (amr), carried into the session
 * @param clientAddress     where the sign-in came from: the challenge is answered from there only
 * @param enrolmentRequired the policy requires a second factor and none was enrolled at sign-in
 * @param wrongCodes        wrong codes presented so far
 * @param expiresAtMillis   when the challenge stops being accepted
 */
record PendingSignIn(long userId, String username, List<String> authMethods, String clientAddress,
                     boolean enrolmentRequired, int wrongCodes, long expiresAtMillis) {
    PendingSignIn withWrongCode() {
        return new PendingSignIn(userId, username, authMethods, clientAddress, enrolmentRequired, wrongCodes + 1, expiresAtMillis);
    }
}
