package io.pganalytics.server.auth.mfa;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static io.pganalytics.server.auth.mfa.MfaTesting.PASSWORD;
import static io.pganalytics.server.auth.mfa.MfaTesting.assertError;
import static io.pganalytics.server.auth.mfa.MfaTesting.challengeOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.login;
import static io.pganalytics.server.auth.mfa.MfaTesting.tokensOf;
import static io.pganalytics.server.auth.mfa.MfaTesting.totp;
import static io.pganalytics.server.auth.mfa.MfaTesting.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two nodes sharing Hazelcast and the database: a challenge from one is answered on the other, a code is spent on both. */
class MfaTwoNodeTest {
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;

    @BeforeAll
    static void start() {
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("mfa_two_nodes"), Map.of(), Map.of());
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void aChallengeIssuedOnAIsFinishedOnBAndItsCodeIsThenSpentOnBoth() {
        String name = MfaTesting.createUser(apiA, apiA.loginAdmin(), "viewer");
        MfaTesting.Enrolled app = MfaTesting.enrolTotp(apiA, tokensOf(login(apiA, name, PASSWORD)), Instant.now());

        String code = totp(app.secret(), Instant.now(), 1);
        ApiClient.Response onB = verify(apiB, challengeOf(login(apiA, name, PASSWORD)), "totp", code);
        assertEquals(200, onB.status(), onB.body());
        assertEquals(name, apiA.get("/auth/me", onB.json().get("accessToken").asText()).json().get("username").asText());

        assertError(verify(apiA, challengeOf(login(apiA, name, PASSWORD)), "totp", code), 401, "unauthenticated");
        assertError(verify(apiB, challengeOf(login(apiB, name, PASSWORD)), "totp", code), 401, "unauthenticated");
    }

    @Test
    void aChallengeAnsweredOnceCannotBeAnsweredAgainOnTheOtherNode() {
        String name = MfaTesting.createUser(apiA, apiA.loginAdmin(), "viewer");
        MfaTesting.Enrolled app = MfaTesting.enrolTotp(apiB, tokensOf(login(apiB, name, PASSWORD)), Instant.now());
        String challenge = challengeOf(login(apiB, name, PASSWORD));
        assertEquals(200, verify(apiA, challenge, "backup-code", app.backupCodes().get(0)).status());
        assertError(verify(apiB, challenge, "backup-code", app.backupCodes().get(1)), 401, "unauthenticated");
    }
}
