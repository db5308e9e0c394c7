package io.pganalytics.server.auth;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthConfigTest {

    private static AuthConfig read(Map<String, String> values) {
        return AuthConfig.from(Config.just(ConfigSources.create(prefixed(values))).get("auth"));
    }

    private static Map<String, String> prefixed(Map<String, String> values) {
        java.util.Map<String, String> result = new java.util.HashMap<>();
        values.forEach((k, v) -> result.put("auth." + k, v));
        result.putIfAbsent("auth.issuer", "pganalytics");
        return result;
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        AuthConfig config = AuthConfig.defaults();
        assertEquals(Duration.ofMinutes(15), config.accessTokenTtl());
        assertEquals(Duration.ofDays(7), config.refreshTokenTtl());
        assertEquals(Duration.ofDays(30), config.sessionMaxAge());
        assertEquals("pganalytics", config.issuer());
        assertEquals("pganalytics-api", config.audience());
        assertEquals(Duration.ofDays(30), config.signingKeyRotation());
        assertEquals(5, config.userFailuresBeforeDelay());
        assertEquals(Duration.ofMinutes(15), config.maxDelay());
        assertEquals(12, config.passwordMinLength());
        assertEquals(19_456, config.argon2MemoryKib());
    }

    @Test
    void valuesAreReadInIsoOrShortForm() {
        AuthConfig config = read(Map.of("access-token-ttl", "PT5M", "refresh-token-ttl", "1d", "login-rate-limit.max-delay", "2m"));
        assertEquals(Duration.ofMinutes(5), config.accessTokenTtl());
        assertEquals(Duration.ofDays(1), config.refreshTokenTtl());
        assertEquals(Duration.ofMinutes(2), config.maxDelay());
    }

    @Test
    void aBadValueStopsStartUpNamingItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of("access-token-ttl", "soon")));
        assertEquals("auth.access-token-ttl", e.key());
        e = assertThrows(ConfigException.class, () -> read(Map.of("password.min-length", "4")));
        assertEquals("auth.password.min-length", e.key());
    }

    @Test
    void contradictionsAreRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("access-token-ttl", "2h", "refresh-token-ttl", "1h")));
        assertEquals("auth.refresh-token-ttl", e.key());
        e = assertThrows(ConfigException.class, () -> read(Map.of("refresh-token-ttl", "30d", "session-max-age", "7d")));
        assertEquals("auth.session-max-age", e.key());
        e = assertThrows(ConfigException.class, () -> read(Map.of("signing-key-rotation", "1h", "access-token-ttl", "1h",
                "refresh-token-ttl", "2h")));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }
}
