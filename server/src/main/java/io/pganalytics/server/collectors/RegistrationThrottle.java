package io.pganalytics.server.collectors;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.cluster.FailureThrottle;
import io.pganalytics.server.http.ApiException;

import java.time.Clock;
import java.util.List;

/**
 * Slows down guessing of registration tokens per client address, across every node ({@link FailureThrottle} in the
 * map {@value #MAP}): past the threshold an attempt gets 429 with Retry-After before its token is looked at.
 */
final class RegistrationThrottle {
    static final String MAP = "pga.registration-failures";

    private final FailureThrottle throttle;
    private final FailureThrottle.Policy policy;

    RegistrationThrottle(HazelcastInstance hazelcast, Clock clock, CollectorsConfig config) {
        this.throttle = new FailureThrottle(hazelcast, MAP, clock);
        this.policy = new FailureThrottle.Policy(config.registrationFailuresBeforeDelay(), config.registrationInitialDelay(),
                config.registrationMaxDelay(), config.registrationForgetAfter());
    }

    /** @throws ApiException rate limited, with the time to wait, when the address is blocked */
    void checkAllowed(String address) {
        throttle.blockedFor(List.of(address)).ifPresent(wait -> {
            throw ApiException.rateLimited("too many failed registrations from this address: try again in "
                    + FailureThrottle.seconds(wait) + " s", wait);
        });
    }

    void recordFailure(String address) {
        throttle.recordFailure(address, policy);
    }
}
