package io.pganalytics.server.auth;

import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.TokenResponse;
import io.pganalytics.server.http.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate in {@link AuthService#openSession}, with the policy {@code roles: [operator]} and an identity provider's
 * {@code hwk} trusted as a second factor, against real PostgreSQL and Hazelcast.
 */
class MfaGatingTest {
    private static final String PASSWORD = "a long enough password";
    private static TestClock clock;
    private static AuthFixture fixture;
    private static AuthFeature feature;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        clock = TestClock.startingNow();
        fixture = AuthFixture.start("mfa_gating", clock);
        feature = new AuthFeature(AuthTesting.config("mfa.required", "roles", "mfa.required-roles", "operator",
                "mfa.trust-provider-amr", "hwk"), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static DUser newUser(Role role) {
        String name = AuthTesting.uniqueName("gated");
        AuthTesting.createUser(feature, name, PASSWORD, role);
        return new UserRepository(fixture.database).findByUsername(name).orElseThrow();
    }

    @Test
    void aPasswordSignInOfSomeoneThePolicyCoversGetsAChallengeAndNoSession() {
        DUser operator = newUser(Role.OPERATOR);
        long sessionsBefore = fixture.count("select count(*) from auth_session where user_id = " + operator.getId());
        TokenResponse answer = feature.auth().login(new LoginRequest(operator.getUsername(), PASSWORD), "192.0.2.20");
        assertFalse(answer.complete());
        assertNull(answer.accessToken());
        assertTrue(answer.mfa().enrolmentRequired());
        assertEquals(sessionsBefore, fixture.count("select count(*) from auth_session where user_id = " + operator.getId()));

        TokenResponse viewer = feature.auth().login(new LoginRequest(newUser(Role.VIEWER).getUsername(), PASSWORD), "192.0.2.20");
        assertTrue(viewer.complete(), "viewers are not covered and enrolled nothing");
    }

    @Test
    void anIdentityProvidersTrustedSecondFactorOpensTheSessionAndCountsAsFresh() {
        DUser operator = newUser(Role.OPERATOR);
        TokenResponse answer = feature.auth().openSession(operator, Set.of(AuthMethods.FEDERATED, "hwk"), "192.0.2.21");
        assertTrue(answer.complete(), String.valueOf(answer.mfa()));
        Caller caller = feature.tokens().verify(answer.accessToken());
        assertEquals(clock.instant().truncatedTo(ChronoUnit.SECONDS), caller.secondFactorAt());

        TokenResponse untrusted = feature.auth().openSession(operator, Set.of(AuthMethods.FEDERATED, "otp"), "192.0.2.21");
        assertFalse(untrusted.complete(), "an amr value not configured as trusted proves nothing");
    }

    @Test
    void aRefreshedAccessTokenKeepsTheSessionsSecondFactorTime() {
        DUser operator = newUser(Role.OPERATOR);
        TokenResponse first = feature.auth().openSession(operator, Set.of(AuthMethods.FEDERATED, "hwk"), "192.0.2.22");
        clock.advance(Duration.ofMinutes(1));
        TokenResponse refreshed = feature.auth().refresh(new RefreshRequest(first.refreshToken()));
        Caller caller = feature.tokens().verify(refreshed.accessToken());
        assertEquals(feature.tokens().verify(first.accessToken()).secondFactorAt(), caller.secondFactorAt());
        assertEquals(clock.instant().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS), caller.secondFactorAt());
    }
}
