package io.pganalytics.server.auth.mfa;

/**
 * A TOTP enrolment shown to a person and not yet confirmed, kept in the cluster until confirmed or expired.
 *
 * @param userId          the person
 * @param secret          the new shared secret, base32
 * @param expiresAtMillis when it is forgotten
 */
record PendingEnrolment(long userId, String secret, long expiresAtMillis) {
    @Override
    public String toString() {
        return "PendingEnrolment[userId=" + userId + ", secret=***]";
    }
}
