package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.audit.RecordedAudit;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-ins, failures, refreshes, sign-outs and MFA events each leave an auth record, over real HTTPS. */
class AuthEventsRecordingTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static RecordedAudit audit;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("audit_auth"), TestServers.newClusterName(), Map.of());
        api = new ApiClient(server);
        audit = new RecordedAudit(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<AuditRecordView> auth(long mark, String action, String name) throws SQLException {
        return audit.after(mark, r -> r.category().equals("auth") && r.action().equals(action)
                && (name == null ? r.actor().name() == null : name.equals(r.actor().name())));
    }

    private static AuditRecordView one(long mark, String action, String name) throws SQLException {
        List<AuditRecordView> found = auth(mark, action, name);
        assertEquals(1, found.size(), action + " of " + name + ": " + found);
        return found.getFirst();
    }

    @Test
    void aSignInItsFailureARefreshARefusedRefreshAndASignOutAreRecorded() throws Exception {
        String name = MfaTesting.createUser(api, admin, "operator");
        long mark = audit.mark();

        assertEquals(401, api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"not it\"}").status());
        JsonNode signedIn = MfaTesting.login(api, name, MfaTesting.PASSWORD);
        String refreshToken = signedIn.get("refreshToken").asText();
        ApiClient.Response refreshed = api.post("/auth/refresh", null, "{\"refreshToken\":\"" + refreshToken + "\"}");
        assertEquals(200, refreshed.status());
        assertEquals(401, api.post("/auth/refresh", null, "{\"refreshToken\":\"" + refreshToken + "\"}").status(), "spent");
        String token = api.post("/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"" + MfaTesting.PASSWORD + "\"}")
                .json().get("accessToken").asText();
        assertEquals(204, api.post("/auth/logout", token, "{}").status());

        List<AuditRecordView> failures = audit.after(mark, r -> r.action().equals("auth.login") && r.outcome().equals("failure"));
        assertEquals(1, failures.size());
        AuditRecordView failed = failures.getFirst();
        assertEquals(name, failed.actor().name());
        assertEquals("user", failed.actor().kind(), "a failed sign-in of an existing user is that person's record");
        assertEquals("wrong password", failed.details().get("reason").asText());
        assertEquals("local", failed.details().get("method").asText());
        assertFalse(failed.details().toString().contains("not it"), "no password in the record");
        List<AuditRecordView> logins = audit.after(mark, r -> r.action().equals("auth.login") && r.outcome().equals("success")
                && name.equals(r.actor().name()));
        assertEquals(2, logins.size());
        assertEquals("127.0.0.1", logins.getFirst().actor().address());
        assertEquals(List.of("operator"), logins.getFirst().actor().roles());
        assertEquals("success", one(mark, "auth.refresh", name).outcome());
        AuditRecordView refused = audit.after(mark, r -> r.action().equals("auth.refresh") && r.outcome().equals("denied")).getFirst();
        assertTrue(refused.details().get("sessionRevoked").asBoolean(), refused.details().toString());
        assertEquals("success", one(mark, "auth.logout", name).outcome());
    }

    @Test
    void aFailedSignInOfAnUnknownNameKeepsNoneOfWhatWasTypedAndControlCharactersNeverReachTheRecord() throws Exception {
        long mark = audit.mark();
        assertEquals(401, api.post("/auth/login", null, "{\"username\":\"S3cret-typed-here\\u0001\\u001b[2J\",\"password\":\"x\"}").status());
        List<AuditRecordView> failed = audit.after(mark, r -> r.action().equals("auth.login") && r.outcome().equals("failure"));
        assertEquals(1, failed.size());
        AuditRecordView r = failed.getFirst();
        assertEquals("anonymous", r.actor().kind());
        assertNull(r.actor().name());
        assertEquals("unknown user name", r.details().get("reason").asText());
        assertFalse(r.details().toString().contains("S3cret"));
    }

    @Test
    void enrolmentAChallengedSignInAWrongCodeABackupCodeAndAStepUpAreRecorded() throws Exception {
        String name = MfaTesting.createUser(api, admin, "viewer");
        String token = MfaTesting.tokensOf(MfaTesting.login(api, name, MfaTesting.PASSWORD));
        long mark = audit.mark();
        MfaTesting.Enrolled enrolled = MfaTesting.enrolTotp(api, token, Instant.now());
        String challenge = MfaTesting.challengeOf(MfaTesting.login(api, name, MfaTesting.PASSWORD));
        assertEquals(401, MfaTesting.verify(api, challenge, "totp", "000000").status());
        ApiClient.Response verified = MfaTesting.verify(api, challenge, "backup-code", enrolled.backupCodes().get(0));
        assertEquals(200, verified.status(), verified.body());
        String stepped = verified.json().get("accessToken").asText();
        ApiClient.Response stepUp = api.post("/auth/mfa/step-up", stepped,
                "{\"method\":\"backup-code\",\"code\":\"" + enrolled.backupCodes().get(1) + "\"}");
        assertEquals(200, stepUp.status(), stepUp.body());

        assertEquals("success", one(mark, "auth.mfa.enrol.start", name).outcome());
        assertEquals("totp", one(mark, "auth.mfa.enrol", name).details().get("method").asText());
        assertEquals("success", one(mark, "auth.login.second-factor-owed", name).outcome());
        List<AuditRecordView> verifies = auth(mark, "auth.mfa.verify", name);
        assertEquals(List.of("failure", "success"), verifies.stream().map(AuditRecordView::outcome).toList());
        assertEquals("backup-code", verifies.get(1).details().get("method").asText());
        assertEquals(2, auth(mark, "auth.mfa.backup-code-used", name).size(), "one at sign-in, one at step-up");
        assertEquals("success", one(mark, "auth.mfa.step-up", name).outcome());
        List<AuditRecordView> sessions = audit.after(mark, r -> r.action().equals("auth.login") && r.outcome().equals("success")
                && name.equals(r.actor().name()));
        assertEquals(1, sessions.size(), "the session opened after the second factor");
        assertTrue(sessions.getFirst().details().get("authMethods").size() > 1, sessions.getFirst().details().toString());
    }
}
