package io.pganalytics.server.collectors;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code collectors} node: registration token lifetimes, the registry cache, heartbeat persistence and the rate
 * limit on registrations with bad tokens.
 *
 * @param registrationTokenTtl          how long a new registration token lives unless the admin asks otherwise
 * @param registrationTokenMaxTtl       the longest life an admin may ask for
 * @param heartbeatPersistInterval      how often each node writes the heartbeats it received to the database
 * @param registryCacheTtl              how long a collector's entry stays in the Hazelcast registry before it is
 *                                      reloaded from the database (changes made through the API apply at once)
 * @param registrationFailuresBeforeDelay failed registrations from one client address before attempts are delayed
 * @param registrationInitialDelay      the first delay; it doubles with each further failure
 * @param registrationMaxDelay          the longest delay
 * @param registrationForgetAfter       failures are forgotten after this long without another one
 */
public record CollectorsConfig(Duration registrationTokenTtl,
                               Duration registrationTokenMaxTtl,
                               Duration heartbeatPersistInterval,
                               Duration registryCacheTtl,
                               int registrationFailuresBeforeDelay,
                               Duration registrationInitialDelay,
                               Duration registrationMaxDelay,
                               Duration registrationForgetAfter) {

    /** The shortest life a registration token may be given. */
    static final Duration MIN_TOKEN_TTL = Duration.ofMinutes(1);

    /** Reads and validates the {@code collectors} node; a bad or contradictory value names its key. */
    public static CollectorsConfig from(Config node) {
        Duration maxTtl = Settings.duration(node, "registration-token-max-ttl", Duration.ofDays(30),
                MIN_TOKEN_TTL, Duration.ofDays(365));
        // Unset, the default life follows a lower maximum; set, it must fit under it.
        Duration defaultTtl = Duration.ofHours(24).compareTo(maxTtl) > 0 ? maxTtl : Duration.ofHours(24);
        Duration ttl = Settings.duration(node, "registration-token-ttl", defaultTtl, MIN_TOKEN_TTL, Duration.ofDays(365));
        if (ttl.compareTo(maxTtl) > 0) {
            throw Settings.problem(node, "registration-token-ttl", ttl + " must not exceed collectors.registration-token-max-ttl (" + maxTtl + ")");
        }
        Config limits = node.get("registration-rate-limit");
        Duration initialDelay = Settings.duration(limits, "initial-delay", Duration.ofSeconds(1),
                Duration.ofMillis(100), Duration.ofHours(1));
        Duration maxDelay = Settings.duration(limits, "max-delay", Duration.ofMinutes(15),
                Duration.ofSeconds(1), Duration.ofDays(1));
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw Settings.problem(limits, "max-delay", maxDelay + " must be at least collectors.registration-rate-limit.initial-delay ("
                    + initialDelay + ")");
        }
        return new CollectorsConfig(ttl, maxTtl,
                Settings.duration(node, "heartbeat-persist-interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)),
                Settings.duration(node, "registry-cache-ttl", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
                Settings.integer(limits, "failures-before-delay", 10, 1, 100_000),
                initialDelay, maxDelay,
                Settings.duration(limits, "forget-after", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)));
    }

    /** The defaults, as {@link #from} reads them from an empty node. */
    static CollectorsConfig defaults() {
        return from(Config.empty());
    }
}
