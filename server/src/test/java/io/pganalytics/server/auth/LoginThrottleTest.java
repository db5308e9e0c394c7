package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.pganalytics.server.auth.AuthTesting.assertApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Growing delays after failed logins, per user name and per address, through a real Hazelcast map. */
class LoginThrottleTest {
    private static final String PASSWORD = "a long enough password";
    private static TestClock clock;
    private static AuthFixture fixture;
    private static AuthFeature feature;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        clock = TestClock.startingNow();
        fixture = AuthFixture.start("login_throttle", clock);
        feature = new AuthFeature(AuthTesting.config("login-rate-limit.address-failures-before-delay", "8"),
                fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static void fail(String name, String address) {
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().login(new LoginRequest(name, "wrong password!!"), address));
    }

    @Test
    void afterFiveFailuresAttemptsAreDelayedAndTheDelayDoubles() {
        String name = AuthTesting.uniqueName("target");
        AuthTesting.createUser(feature, name, PASSWORD, Role.VIEWER);
        for (int i = 0; i < 5; i++) {
            fail(name, "198.51.100." + i);
        }
        ApiException limited = assertApiError(ErrorType.RATE_LIMITED,
                () -> feature.auth().login(new LoginRequest(name, PASSWORD), "198.51.100.99"));
        assertEquals(Duration.ofSeconds(1), limited.retryAfter().orElseThrow(), "even the right password waits");

        clock.advance(Duration.ofSeconds(1));
        fail(name, "198.51.100.6");
        ApiException longer = assertApiError(ErrorType.RATE_LIMITED,
                () -> feature.auth().login(new LoginRequest(name, PASSWORD), "198.51.100.99"));
        assertEquals(Duration.ofSeconds(2), longer.retryAfter().orElseThrow());

        clock.advance(Duration.ofSeconds(2));
        assertEquals(name, feature.auth().login(new LoginRequest(name, PASSWORD), "198.51.100.99").user().username());
        fail(name, "198.51.100.7");
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.auth().login(new LoginRequest(name, "still wrong!!"), "198.51.100.8"));
    }

    @Test
    void unknownUserNamesAreThrottledLikeKnownOnes() {
        String name = AuthTesting.uniqueName("nobody");
        for (int i = 0; i < 5; i++) {
            fail(name, "203.0.113." + i);
        }
        assertApiError(ErrorType.RATE_LIMITED, () -> feature.auth().login(new LoginRequest(name, PASSWORD), "203.0.113.99"));
    }

    @Test
    void theDelayIsCappedAtTheMaximum() {
        String name = AuthTesting.uniqueName("capped");
        for (int i = 0; i < 20; i++) {
            fail(name, "100.64.0." + i);
            clock.advance(Duration.ofMinutes(15));
        }
        fail(name, "100.64.1.1");
        ApiException limited = assertApiError(ErrorType.RATE_LIMITED,
                () -> feature.auth().login(new LoginRequest(name, PASSWORD), "100.64.1.2"));
        assertEquals(Duration.ofMinutes(15), limited.retryAfter().orElseThrow());
    }

    @Test
    void oneAddressSprayingManyUserNamesIsDelayed() {
        String address = "192.0.2.77";
        for (int i = 0; i < 8; i++) {
            fail(AuthTesting.uniqueName("spray"), address);
        }
        assertApiError(ErrorType.RATE_LIMITED, () -> feature.auth().login(new LoginRequest(AuthTesting.uniqueName("spray"), PASSWORD), address));
    }
}
