package io.pganalytics.server.collectors;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code collectors} node: defaults in one place, bad values named by their key. */
class CollectorsConfigTest {

    private static CollectorsConfig read(Map<String, String> values) {
        return CollectorsConfig.from(Config.just(ConfigSources.create(values)));
    }

    @Test
    void theDefaultsAre24HourTokensAt30DaysMostAndHeartbeatsEvery30Seconds() {
        CollectorsConfig defaults = CollectorsConfig.defaults();
        assertEquals(Duration.ofHours(24), defaults.registrationTokenTtl());
        assertEquals(Duration.ofDays(30), defaults.registrationTokenMaxTtl());
        assertEquals(Duration.ofSeconds(30), defaults.heartbeatPersistInterval());
        assertEquals(Duration.ofMinutes(10), defaults.registryCacheTtl());
        assertEquals(10, defaults.registrationFailuresBeforeDelay());
    }

    @Test
    void aDefaultLifeLongerThanTheMaximumIsRefusedByName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("registration-token-ttl", "40d", "registration-token-max-ttl", "30d")));
        assertTrue(e.getMessage().contains("registration-token-ttl"), e.getMessage());
    }

    @Test
    void anUnsetDefaultLifeFollowsALowerMaximum() {
        CollectorsConfig config = read(Map.of("registration-token-max-ttl", "2h"));
        assertEquals(Duration.ofHours(2), config.registrationTokenTtl());
    }

    @Test
    void outOfRangeAndUnreadableValuesAreRefusedByName() {
        assertTrue(assertThrows(ConfigException.class, () -> read(Map.of("heartbeat-persist-interval", "2h")))
                .getMessage().contains("heartbeat-persist-interval"));
        assertTrue(assertThrows(ConfigException.class, () -> read(Map.of("registration-rate-limit.failures-before-delay", "many")))
                .getMessage().contains("failures-before-delay"));
        assertTrue(assertThrows(ConfigException.class,
                () -> read(Map.of("registration-rate-limit.initial-delay", "10m", "registration-rate-limit.max-delay", "1m")))
                .getMessage().contains("max-delay"));
    }
}
