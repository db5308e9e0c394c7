package io.pganalytics.server.auth.mfa;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MfaConfigTest {
    private static MfaConfig read(Map<String, String> values) {
        return MfaConfig.from(Config.just(ConfigSources.create(values)).get("mfa"));
    }

    @Test
    void theDefaultsRequireNobodyAndAskForStepUpWithinFiveMinutes() {
        MfaConfig config = MfaConfig.defaults();
        assertEquals(MfaConfig.Requirement.NONE, config.required());
        assertFalse(config.requires(Set.of(Role.ADMIN)));
        assertEquals(Set.of(Role.ADMIN), config.requiredRoles());
        assertEquals(Duration.ofMinutes(5), config.stepUpMaxAge());
        assertEquals(Duration.ofMinutes(5), config.challengeTtl());
        assertEquals(5, config.maxWrongCodes());
        assertEquals(10, config.hotpLookAhead());
        assertEquals(100, config.hotpResyncWindow());
        assertTrue(config.trustProviderAmr().isEmpty());
    }

    @Test
    void rolesRequireHoldersOfTheNamedRolesOnly() {
        MfaConfig config = read(Map.of("mfa.required", "roles", "mfa.required-roles", "admin,operator"));
        assertTrue(config.requires(Set.of(Role.OPERATOR)));
        assertTrue(config.requires(Set.of(Role.VIEWER, Role.ADMIN)));
        assertFalse(config.requires(Set.of(Role.VIEWER, Role.AUDITOR)));
        assertTrue(read(Map.of("mfa.required", "all")).requires(Set.of()));
    }

    @Test
    void anIdentityProvidersAmrSatisfiesThePolicyOnlyWhenConfigured() {
        MfaConfig config = read(Map.of("mfa.trust-provider-amr", "mfa,hwk"));
        assertTrue(config.trustsProvider(Set.of("fed", "mfa")));
        assertFalse(config.trustsProvider(Set.of("fed", "pwd")));
        assertFalse(MfaConfig.defaults().trustsProvider(Set.of("fed", "mfa")));
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("mfa.required", assertThrows(ConfigException.class, () -> read(Map.of("mfa.required", "some"))).key());
        assertEquals("mfa.required-roles", assertThrows(ConfigException.class,
                () -> read(Map.of("mfa.required-roles", "root"))).key());
        assertEquals("mfa.trust-provider-amr", assertThrows(ConfigException.class,
                () -> read(Map.of("mfa.trust-provider-amr", "pwd"))).key());
        assertEquals("mfa.step-up-max-age", assertThrows(ConfigException.class,
                () -> read(Map.of("mfa.step-up-max-age", "1s"))).key());
        assertEquals("mfa.issuer", assertThrows(ConfigException.class, () -> read(Map.of("mfa.issuer", "a:b"))).key());
    }
}
