package io.pganalytics.server.auth.mfa;

/**
 * Slows down guessing of second-factor codes: wrong codes count with wrong passwords against the user name and the
 * client address, and also against the user name alone for codes, which a right password does not clear.
 */
public interface MfaThrottle {
    /** @throws io.pganalytics.server.http.ApiException rate limited while the user name or the address is blocked */
    void checkAllowed(String username, String clientAddress);

    void recordFailure(String username, String clientAddress);

    void recordSuccess(String username);
}
