package io.pganalytics.server.auth;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.cluster.FailureThrottle;
import io.pganalytics.server.http.ApiException;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Slows down password guessing, per user name and per client address, across every node ({@link FailureThrottle} in
 * the map {@value #MAP}). An attempt while either is blocked gets 429 with Retry-After without its password being
 * checked. A successful login clears its user name's count; an address's count only fades ({@code forget-after}
 * without a failure), so that signing in to one's own account does not reset a spray across others. Unknown and known
 * user names are counted alike.
 */
final class LoginThrottle {
    static final String MAP = "pga.login-failures";

    private final FailureThrottle throttle;
    private final FailureThrottle.Policy perUser;
    private final FailureThrottle.Policy perAddress;

    LoginThrottle(HazelcastInstance hazelcast, Clock clock, AuthConfig config) {
        this.throttle = new FailureThrottle(hazelcast, MAP, clock);
        this.perUser = new FailureThrottle.Policy(config.userFailuresBeforeDelay(), config.initialDelay(), config.maxDelay(),
                config.forgetFailuresAfter());
        this.perAddress = new FailureThrottle.Policy(config.addressFailuresBeforeDelay(), config.initialDelay(), config.maxDelay(),
                config.forgetFailuresAfter());
    }

    /** @throws ApiException rate limited, with the time to wait, when the user name or the address is blocked */
    void checkAllowed(String username, String address) {
        throttle.blockedFor(List.of(userKey(username), addressKey(address))).ifPresent(wait -> {
            throw ApiException.rateLimited("too many failed sign-ins: try again in " + FailureThrottle.seconds(wait) + " s", wait);
        });
    }

    void recordFailure(String username, String address) {
        throttle.recordFailure(userKey(username), perUser);
        throttle.recordFailure(addressKey(address), perAddress);
    }

    void recordSuccess(String username) {
        throttle.forget(userKey(username));
    }

    /**
     * Second-factor codes: blocked while the user name, the address or the user's count of wrong codes is. Wrong codes
     * count against all three; the last is cleared only by a right code, never by a right password, so that signing in
     * again does not restart the guessing of codes at full speed.
     */
    void checkSecondFactorAllowed(String username, String address) {
        throttle.blockedFor(List.of(userKey(username), addressKey(address), codesKey(username))).ifPresent(wait -> {
            throw ApiException.rateLimited("too many wrong codes: try again in " + FailureThrottle.seconds(wait) + " s", wait);
        });
    }

    void recordSecondFactorFailure(String username, String address) {
        recordFailure(username, address);
        throttle.recordFailure(codesKey(username), perUser);
    }

    void recordSecondFactorSuccess(String username) {
        throttle.forget(userKey(username));
        throttle.forget(codesKey(username));
    }

    private static String codesKey(String username) {
        return "mfa:" + username.toLowerCase(Locale.ROOT);
    }

    private static String userKey(String username) {
        return "user:" + username.toLowerCase(Locale.ROOT);
    }

    private static String addressKey(String address) {
        return "addr:" + address;
    }
}
