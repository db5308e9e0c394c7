package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import io.pganalytics.server.testing.Totp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every admin change is recorded in the change's own transaction with its values before and after: the record is
 * there as soon as the change answers (no flush), a refused or failed change leaves none, a change whose record cannot
 * be written is not made, personal fields are sealed (readable through the views, absent from the clear text) and
 * secrets never reach {@code audit.record.details}.
 */
class ChangeRecordsHttpTest {
    private static final String PASSWORD = TestServers.ADMIN_PASSWORD;
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static ManualClock clock;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static DataSource db;

    @BeforeAll
    static void start() {
        long now = System.currentTimeMillis();
        clock = new ManualClock(Instant.ofEpochMilli(now - now % 30_000 + 1_000));
        server = TestServers.start(SharedPostgres.newDatabase("change_records"), TestServers.newClusterName(),
                Map.of("auth.login-rate-limit.address-failures-before-delay", "1000"), clock);
        api = new ApiClient(server);
        db = server.database().dataSource();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void userChangesAreRecordedWithBeforeAndAfterAndTheirPersonalFieldsSealed() throws Exception {
        String admin = api.loginAdmin();
        String name = name("alice");
        ApiClient.Response created = api.post("/users", admin, "{\"username\":\"" + name + "\",\"displayName\":\"Alice Liddell\","
                + "\"password\":\"" + PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();

        AuditRecordView create = only("user.create", id);
        assertEquals("change", create.category());
        assertNull(create.before());
        assertEquals("[\"viewer\"]", create.after().get("roles").toString());
        assertTrue(create.after().get("enabled").asBoolean());
        assertEquals(name, create.after().get("username").asText(), "personal fields opened by the views");
        assertEquals("Alice Liddell", create.after().get("displayName").asText());
        assertEquals(id, create.subjectId());
        assertEquals("readable", create.personal());
        assertEquals("admin", create.actor().name());
        assertEquals("127.0.0.1", create.actor().address());
        assertTrue(create.actor().userAgent().startsWith("Java-http-client"), create.actor().toString());

        assertEquals(200, api.patch("/users/" + id, admin, "{\"displayName\":\"Alice Hargreaves\",\"roles\":[\"operator\"],"
                + "\"password\":\"Another-Long-Passphrase-77\"}").status());
        AuditRecordView update = only("user.update", id);
        assertEquals("[\"viewer\"]", update.before().get("roles").toString());
        assertEquals("[\"operator\"]", update.after().get("roles").toString());
        assertEquals("Alice Liddell", update.before().get("displayName").asText());
        assertEquals("Alice Hargreaves", update.after().get("displayName").asText());
        assertTrue(update.details().get("passwordChanged").asBoolean());

        assertEquals(204, api.delete("/users/" + id, admin).status());
        AuditRecordView delete = only("user.delete", id);
        assertEquals("[\"operator\"]", delete.before().get("roles").toString());
        assertEquals(name, delete.before().get("username").asText());
        assertNull(delete.after());

        String clear = clearText();
        for (String personal : List.of(name, "Alice Liddell", "Alice Hargreaves", "Another-Long-Passphrase-77", PASSWORD)) {
            assertFalse(clear.contains(personal), "'" + personal + "' is not in the clear");
        }
    }

    @Test
    void aRefusedOrFailedChangeLeavesNoRecord() throws Exception {
        String admin = api.loginAdmin();
        String name = name("dup");
        assertEquals(201, api.post("/users", admin, user(name, "viewer")).status());
        long creates = count("user.create");
        assertEquals(409, api.post("/users", admin, user(name, "viewer")).status(), "a duplicate name");
        assertEquals(400, api.post("/users", admin, user("bad name!", "viewer")).status(), "a validation error");
        assertEquals(creates, count("user.create"));

        String bootstrapId = api.get("/auth/me", admin).json().get("id").asText();
        long updates = count("user.update");
        // refused inside the transaction (the admins' lock held, the row read): nothing written, nothing recorded
        ApiClient.Response demote = api.patch("/users/" + bootstrapId, admin, "{\"roles\":[\"viewer\"]}");
        assertEquals(409, demote.status(), demote.body());
        assertEquals(updates, count("user.update"));
        assertEquals(404, api.delete("/collectors/00000000-0000-4000-8000-000000000000", admin).status());
        assertEquals(0, count("collector.revoke"));
    }

    @Test
    void aChangeWhoseRecordCannotBeWrittenIsNotMade() throws Exception {
        String admin = api.loginAdmin();
        String name = name("unrecorded");
        Sql.execute(db, "ALTER TABLE audit.record ADD CONSTRAINT test_refuse_user_create CHECK (action <> 'user.create') NOT VALID");
        try {
            ApiClient.Response refused = api.post("/users", admin, user(name, "viewer"));
            assertEquals(500, refused.status(), refused.body());
        } finally {
            Sql.execute(db, "ALTER TABLE audit.record DROP CONSTRAINT test_refuse_user_create");
        }
        assertEquals(List.of(List.of("0")), Sql.rows(db, "SELECT count(*) FROM auth_user WHERE username = '" + name + "'"),
                "the user and its record commit together or not at all");
        assertEquals(201, api.post("/users", admin, user(name, "viewer")).status(), "the name was never taken");
    }

    @Test
    void anAdminsResetOfSecondFactorsIsRecordedWithTheKindsRemoved() throws Exception {
        String admin = api.loginAdmin();
        String name = name("mfa");
        String id = api.post("/users", admin, user(name, "viewer")).json().get("id").asText();
        Totp.enrol(api, api.login(name, PASSWORD), clock.instant());

        assertEquals(204, api.delete("/admin/users/" + id + "/mfa", admin).status());
        AuditRecordView reset = only("user.mfa.reset", id);
        assertEquals("[\"totp\"]", reset.before().get("secondFactors").toString());
        assertTrue(reset.before().get("unusedBackupCodes").asInt() > 0, reset.before().toString());
        assertEquals("[]", reset.after().get("secondFactors").toString());
    }

    @Test
    void identityProviderChangesMaskTheirSecretsAndSayWhichChanged() throws Exception {
        String admin = api.loginAdmin();
        String provider = "chg-oidc-" + (System.nanoTime() % 100_000);
        String secret = "first-client-secret-" + System.nanoTime();
        String definition = "{\"name\":\"" + provider + "\",\"kind\":\"oidc\",\"enabled\":false,\"displayName\":\"Corp\","
                + "\"settings\":{\"issuer\":\"https://idp.example.com/realms/x\",\"clientId\":\"pga\"},"
                + "\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}";
        ApiClient.Response created = api.post("/admin/identity-providers", admin,
                definition + ",\"secrets\":{\"clientSecret\":\"" + secret + "\"}}");
        assertEquals(201, created.status(), created.body());
        AuditRecordView create = only("identity-provider.create", provider);
        assertNull(create.before());
        assertEquals("{\"clientSecret\":\"***\"}", create.after().get("secrets").toString());
        assertEquals("[\"clientSecret\"]", create.details().get("secretsChanged").toString());
        assertEquals("Corp", create.after().get("displayName").asText());

        String second = "second-client-secret-" + System.nanoTime();
        ApiClient.Response replaced = api.put("/admin/identity-providers/" + provider, admin,
                definition.replace("\"Corp\"", "\"Corp SSO\"") + ",\"secrets\":{\"clientSecret\":\"" + second + "\"}}");
        assertEquals(200, replaced.status(), replaced.body());
        assertEquals(200, api.put("/admin/identity-providers/" + provider, admin,
                definition.replace("\"Corp\"", "\"Corp SSO 2\"") + "}").status());
        List<AuditRecordView> updates = records("identity-provider.update", provider);
        assertEquals(2, updates.size());
        assertEquals("Corp", updates.get(0).before().get("displayName").asText());
        assertEquals("Corp SSO", updates.get(0).after().get("displayName").asText());
        assertEquals("[\"clientSecret\"]", updates.get(0).details().get("secretsChanged").toString());
        assertEquals("[]", updates.get(1).details().get("secretsChanged").toString(), "a secret left out keeps its value");
        assertEquals("{\"clientSecret\":\"***\"}", updates.get(1).after().get("secrets").toString());

        assertEquals(204, api.delete("/admin/identity-providers/" + provider, admin).status());
        AuditRecordView delete = only("identity-provider.delete", provider);
        assertEquals("Corp SSO 2", delete.before().get("displayName").asText());
        assertNull(delete.after());

        String raw = rawText();
        assertFalse(raw.contains(secret), "the first secret is nowhere in the records");
        assertFalse(raw.contains(second), "nor the second");
    }

    @Test
    void collectorAndRegistrationTokenChangesAreRecordedWithoutTheirSecrets() throws Exception {
        String admin = api.loginAdmin();
        ApiClient.Response token = api.post("/collectors/registration-tokens", admin, "{\"note\":\"rack 7\"}");
        assertEquals(201, token.status(), token.body());
        String tokenId = token.json().get("id").asText();
        String tokenSecret = token.json().get("token").asText();
        AuditRecordView created = only("registration-token.create", tokenId);
        assertEquals("rack 7", created.after().get("note").asText());
        assertEquals("active", created.after().get("state").asText());

        ApiClient.Response registered = api.post("/collectors/register", null, "{\"token\":\"" + tokenSecret + "\",\"name\":\"db-7\","
                + "\"hostname\":\"db-7.example.com\",\"collectorVersion\":\"1.0.0\"}");
        assertEquals(201, registered.status(), registered.body());
        String collector = registered.json().get("collectorId").asText();
        String credential = registered.json().get("credential").asText();
        AuditRecordView registration = only("collector.register", collector);
        assertEquals("collector", registration.actor().kind(), "the collector registers itself, with its token");
        assertEquals("db-7", registration.actor().name());
        assertNull(registration.before());
        assertEquals("db-7.example.com", registration.after().get("hostname").asText());
        assertEquals(tokenId, registration.after().get("registrationToken").asText());

        assertEquals(200, api.patch("/collectors/" + collector, admin, "{\"name\":\"db-7-renamed\",\"enabled\":false}").status());
        AuditRecordView update = only("collector.update", collector);
        assertEquals("db-7", update.before().get("name").asText());
        assertEquals("db-7-renamed", update.after().get("name").asText());
        assertTrue(update.before().get("enabled").asBoolean());
        assertFalse(update.after().get("enabled").asBoolean());

        assertEquals(204, api.delete("/collectors/" + collector, admin).status());
        AuditRecordView revoke = only("collector.revoke", collector);
        assertFalse(revoke.before().get("deleted").asBoolean());
        assertTrue(revoke.after().get("deleted").asBoolean());

        String unused = api.post("/collectors/registration-tokens", admin, "{}").json().get("id").asText();
        assertEquals(204, api.delete("/collectors/registration-tokens/" + unused, admin).status());
        AuditRecordView revoked = only("registration-token.revoke", unused);
        assertEquals("active", revoked.before().get("state").asText());
        assertEquals("revoked", revoked.after().get("state").asText());
        assertEquals(409, api.delete("/collectors/registration-tokens/" + tokenId, admin).status(), "a used token");
        assertEquals(0, records("registration-token.revoke", tokenId).size(), "a refused revocation leaves no record");

        String raw = rawText();
        assertFalse(raw.contains(tokenSecret), "the registration token is nowhere in the records");
        assertFalse(raw.contains(credential), "nor the collector's credential");
    }

    @Test
    void keyRotationRewrapAndRetirementsAreRecorded() throws Exception {
        String admin = api.loginAdmin();
        int oldKey = server.crypto().keys().currentKeyId();
        int oldKek = server.crypto().keys().currentKekVersion();
        ApiClient.Response rotated = api.post("/admin/keys/rotate", admin, "{\"newKekVersion\":true}");
        assertEquals(200, rotated.status(), rotated.body());
        int newKey = rotated.json().get("dataKey").asInt();
        AuditRecordView rotate = only("keys.rotate", Integer.toString(newKey));
        assertEquals(oldKey, rotate.before().get("currentDataKey").asInt());
        assertEquals(newKey, rotate.after().get("currentDataKey").asInt());
        assertEquals(oldKek, rotate.before().get("kekVersion").asInt());
        assertEquals(rotated.json().get("kekVersion").asInt(), rotate.after().get("kekVersion").asInt());
        assertTrue(rotate.details().get("kekVersionCreated").asBoolean());
        List<AuditRecordView> rewraps = records("keys.rewrap", null);
        assertEquals(newKey, rewraps.get(rewraps.size() - 1).after().get("targetDataKey").asInt());

        Eventually.await(Duration.ofSeconds(60), "the re-wrap is done",
                () -> "done".equals(api.get("/admin/keys", admin).json().get("rewrap").get("state").asText()));
        ApiClient.Response retired = api.post("/admin/keys/data-keys/" + oldKey + "/retire", admin, "");
        assertEquals(204, retired.status(), retired.body());
        AuditRecordView retire = only("keys.retire-data-key", Integer.toString(oldKey));
        assertEquals("active", retire.before().get("state").asText());
        assertEquals("retired", retire.after().get("state").asText());

        ApiClient.Response kekRetired = api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "");
        assertEquals(204, kekRetired.status(), kekRetired.body());
        AuditRecordView kek = only("keys.retire-kek-version", Integer.toString(oldKek));
        assertEquals("destroyed", kek.after().get("state").asText());
        assertEquals(404, api.post("/admin/keys/kek-versions/" + oldKek + "/retire", admin, "").status(), "gone");
        assertEquals(1, records("keys.retire-kek-version", Integer.toString(oldKek)).size(), "a refused retirement leaves no record");
    }

    private static String name(String hint) {
        return "chg-" + hint + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    }

    private static String user(String name, String role) {
        return "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"" + role + "\"]}";
    }

    private static AuditRecordView only(String action, String resourceId) throws SQLException {
        List<AuditRecordView> found = records(action, resourceId);
        assertEquals(1, found.size(), action + " " + resourceId + ": " + found);
        return found.get(0);
    }

    /** The records of {@code action} (on {@code resourceId} when given), oldest first, opened by the views. */
    private static List<AuditRecordView> records(String action, String resourceId) throws SQLException {
        List<AuditRecordView> found = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + StoredRecord.COLUMNS
                + " FROM audit.record WHERE action = ? AND (? IS NULL OR resource_id = ?) ORDER BY seq")) {
            ps.setString(1, action);
            ps.setString(2, resourceId);
            ps.setString(3, resourceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(server.audit().views().view(StoredRecord.read(rs)));
                }
            }
        }
        return found;
    }

    private static long count(String action) throws SQLException {
        return Long.parseLong(Sql.rows(db, "SELECT count(*) FROM audit.record WHERE action = '" + action + "'").get(0).get(0));
    }

    /** Every record's clear text: the details column. */
    private static String clearText() throws SQLException {
        return Sql.rows(db, "SELECT coalesce(string_agg(details, E'\\n'), '') FROM audit.record").get(0).get(0);
    }

    /** Every record's text as stored, the details and the other text columns, after what was queued is written. */
    private static String rawText() throws SQLException {
        assertTrue(server.audit().log().flush(Duration.ofSeconds(10)));
        return Sql.rows(db, "SELECT coalesce(string_agg(concat_ws(' ', action, resource_type, resource_id, error_type, details), E'\\n'), '')"
                + " FROM audit.record").get(0).get(0);
    }
}
