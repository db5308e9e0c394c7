package io.pganalytics.server.auth;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.TokenResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.pganalytics.server.auth.AuthTesting.assertApiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The signing keys: persisted, shared, rotated by one node, kept for verification until their tokens expire. */
class TokenSigningKeysTest {
    private static TestClock clock;
    private static AuthFixture fixture;
    private static AuthFeature feature;

    @BeforeAll
    static void start(@TempDir Path dataDir) {
        clock = TestClock.startingNow();
        fixture = AuthFixture.start("signing_keys", clock);
        feature = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock, dataDir,
                Map.of(BootstrapAdmin.PASSWORD_VARIABLE, AuthTesting.ADMIN_PASSWORD), fixture.audit());
        feature.start();
    }

    @AfterAll
    static void stop() {
        feature.close();
        fixture.close();
    }

    private static TokenResponse loginAdmin() {
        return feature.auth().login(new LoginRequest(BootstrapAdmin.USERNAME, AuthTesting.ADMIN_PASSWORD), "192.0.2.20");
    }

    private static String kid(String token) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]), java.nio.charset.StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    @Test
    void theJwkSetHoldsPublicKeysOnly() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) feature.keys().jwks().get("keys");
        assertFalse(keys.isEmpty());
        for (Map<String, Object> key : keys) {
            assertEquals("EC", key.get("kty"));
            assertEquals("P-256", key.get("crv"));
            assertEquals("ES256", key.get("alg"));
            assertFalse(key.containsKey("d"), "no private part: " + key.keySet());
        }
    }

    @Test
    void anotherNodeOnTheSameDatabaseVerifiesTokensThisOneSigned(@TempDir Path otherDir) {
        TokenResponse tokens = loginAdmin();
        try (AuthFeature other = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock,
                otherDir, Map.of(), fixture.audit())) {
            other.start();
            assertEquals(BootstrapAdmin.USERNAME, other.tokens().verify(tokens.accessToken()).name());
        }
    }

    @Test
    void aNodeLearnsAKeyAnotherNodeRotatedToWhenItMeetsATokenSignedWithIt(@TempDir Path otherDir) {
        try (AuthFeature other = new AuthFeature(AuthTesting.config(), fixture.database, fixture.crypto(), fixture.hazelcast(), fixture.bodies, clock,
                otherDir, Map.of(), fixture.audit())) {
            other.start();
            clock.advance(Duration.ofDays(30));
            feature.keys().refresh(); // this node rotates; the other has not reloaded
            TokenResponse tokens = loginAdmin();
            assertEquals(BootstrapAdmin.USERNAME, other.tokens().verify(tokens.accessToken()).name());
        }
    }

    @Test
    void rotationReplacesTheKeyAndOldTokensStillVerifyUntilTheyExpire() {
        TokenResponse before = loginAdmin();
        clock.advance(Duration.ofDays(30));
        feature.keys().refresh();
        TokenResponse after = loginAdmin();
        assertNotEquals(kid(before.accessToken()), kid(after.accessToken()), "a new key signs after rotation");
        assertEquals(2, fixture.count("select count(*) from auth_signing_key"));
        assertEquals(1, fixture.count("select count(*) from auth_signing_key where retired_at is null"));

        // Access tokens of the old key are long expired here (the clock moved 30 days), so mint one that is not:
        // the retired key must still verify for access-token-ttl after its retirement.
        clock.advance(Duration.ofMinutes(10));
        feature.keys().refresh();
        assertEquals(2, fixture.count("select count(*) from auth_signing_key"), "the retired key is kept while tokens may need it");
        clock.advance(Duration.ofMinutes(15).plus(SigningKeys.RETIREMENT_MARGIN));
        feature.keys().refresh();
        assertEquals(1, fixture.count("select count(*) from auth_signing_key"), "then dropped");
        assertApiError(ErrorType.UNAUTHENTICATED, () -> feature.tokens().verify(before.accessToken()));
    }

    @Test
    void aTokenSignedJustBeforeRotationStillVerifiesAfterIt() {
        clock.advance(Duration.ofDays(30));
        feature.keys().refresh(); // a fresh key, created now
        clock.advance(Duration.ofDays(30).minusMinutes(1));
        TokenResponse signedByOldKey = loginAdmin();
        clock.advance(Duration.ofMinutes(1));
        feature.keys().refresh();
        TokenResponse signedByNewKey = loginAdmin();
        assertNotEquals(kid(signedByOldKey.accessToken()), kid(signedByNewKey.accessToken()));
        assertEquals(BootstrapAdmin.USERNAME, feature.tokens().verify(signedByOldKey.accessToken()).name());
    }

    @Test
    void nodesRotatingAtOnceCreateOneKey() throws Exception {
        clock.advance(Duration.ofDays(60));
        List<SigningKeys> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(new SigningKeys(fixture.database, fixture.crypto().sealer(), fixture.bodies.mapper(), clock, fixture.random, Duration.ofDays(30), Duration.ofMinutes(15)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (SigningKeys node : nodes) {
                results.add(pool.submit((Callable<Boolean>) node::rotateIfDue));
            }
            int created = 0;
            for (Future<Boolean> result : results) {
                created += result.get() ? 1 : 0;
            }
            assertEquals(1, created, "exactly one node rotates");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, fixture.count("select count(*) from auth_signing_key where retired_at is null"));
    }
}
