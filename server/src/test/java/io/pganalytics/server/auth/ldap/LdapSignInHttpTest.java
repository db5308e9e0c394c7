package io.pganalytics.server.auth.ldap;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Slapd;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LDAP sign-in through {@code POST /api/v1/auth/login {provider}} on a real server against a real slapd, and the
 * directory sync that follows the directory's changes (every 10 s here).
 */
class LdapSignInHttpTest {
    private static final Logger LOG = LoggerFactory.getLogger(LdapSignInHttpTest.class);
    private static Slapd slapd;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        slapd = Slapd.start();
        server = TestServers.start(SharedPostgres.newDatabase("ldap_http"), TestServers.newClusterName(), Map.of());
        api = new ApiClient(server);
        admin = api.loginAdmin();
        createProvider("corp", LdapTesting.settings(slapd, Map.of("syncInterval", "10s")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    private static void createProvider(String name, Map<String, Object> settings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("kind", "ldap");
        body.put("displayName", "Example directory");
        body.put("enabled", true);
        body.put("settings", settings);
        body.put("secrets", Map.of("bindPassword", Slapd.SERVICE_PASSWORD));
        body.put("roleMapping", Map.of("rules", List.of(
                Map.of("attribute", "groups", "value", Slapd.groupDn("operators"), "role", "operator"),
                Map.of("attribute", "groups", "value", "viewers", "role", "viewer"))));
        ApiClient.Response created = api.post("/admin/identity-providers", admin, body);
        assertEquals(201, created.status(), created.body());
    }

    private static ApiClient.Response login(String provider, String username, String password) {
        return api.post("/auth/login", null, api.toJson(Map.of("username", username, "password", password, "provider", provider)));
    }

    private static String token(String username) {
        ApiClient.Response response = login("corp", username, Slapd.password(username));
        assertEquals(200, response.status(), response.body());
        return response.json().get("accessToken").asText();
    }

    private static Optional<JsonNode> localUser(String username) {
        for (JsonNode user : api.get("/users?limit=500", admin).json().get("items")) {
            if (user.get("username").asText().equalsIgnoreCase(username)) {
                return Optional.of(user);
            }
        }
        return Optional.empty();
    }

    private static Set<String> roles(JsonNode user) {
        Set<String> roles = new TreeSet<>();
        user.get("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }

    private static String usersNow() {
        return api.get("/users?limit=500", admin).body();
    }

    private static void assertRefused(ApiClient.Response response) {
        assertEquals(401, response.status(), response.body());
        assertTrue(response.body().contains(LdapProvider.WRONG_CREDENTIALS), response.body());
    }

    @Test
    void anLdapUserWhoseGroupMapsToOperatorSignsInAsOperator() {
        String token = token("alice");
        JsonNode me = api.get("/auth/me", token).json();
        assertEquals("alice", me.get("username").asText(), me.toString());
        assertEquals(Set.of("operator"), roles(me));
        JsonNode local = localUser("alice").orElseThrow();
        assertEquals("corp", local.get("source").asText());
    }

    @Test
    void injectionBlankPasswordsAndDisabledAccountsAreRefusedAndChangeNothing() {
        String before = usersNow();
        long bindsBefore = slapd.bindsAs(Slapd.userDn("admin1")) + slapd.bindsAs(Slapd.userDn("admin2"));
        long aliceBefore = slapd.bindsAs(Slapd.userDn("alice"));
        long carolBefore = slapd.bindsAs(Slapd.userDn("carol"));
        assertRefused(login("corp", "*)(uid=*", Slapd.password("admin1")));
        assertRefused(login("corp", "admin*", Slapd.password("admin1")));
        assertRefused(login("corp", "alice", "   "));
        assertRefused(login("corp", "alice", "\t"));
        assertRefused(login("corp", "alice", "Pw-alice-1999"));
        assertRefused(login("corp", "carol", Slapd.password("carol")));
        assertEquals(400, login("corp", "alice", "").status(), "an empty password is a bad request before any provider");
        assertEquals(bindsBefore, slapd.bindsAs(Slapd.userDn("admin1")) + slapd.bindsAs(Slapd.userDn("admin2")));
        assertEquals(aliceBefore + 1, slapd.bindsAs(Slapd.userDn("alice")), "only the wrong password reached a bind");
        assertEquals(carolBefore, slapd.bindsAs(Slapd.userDn("carol")));
        assertFalse(localUser("carol").isPresent());
        assertFalse(localUser("admin1").isPresent());
        assertEquals(before.replaceAll("\"lastLoginAt\":\"[^\"]*\"", ""), usersNow().replaceAll("\"lastLoginAt\":\"[^\"]*\"", ""));
    }

    @Test
    @Timeout(120)
    void aDirectoryThatNeverAnswersIs503QuicklyAndTheLocalAdminStillSignsIn() throws Exception {
        try (LdapTesting.SilentDirectory silent = new LdapTesting.SilentDirectory()) {
            createProvider("hung", LdapTesting.settings(slapd, Map.of("url", "ldaps://127.0.0.1:" + silent.port(),
                    "connectTimeout", "1s", "responseTimeout", "1s")));
            long start = System.nanoTime();
            ApiClient.Response response = login("hung", "alice", Slapd.password("alice"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, response.status(), response.body());
            assertTrue(response.body().contains("hung") && response.body().contains("cannot be reached"), response.body());
            LOG.info("LDAP sign-in against a silent directory: {} after {} ms: {}", response.status(), millis, response.body());
            assertTrue(api.loginAdmin().length() > 20, "the local admin signs in while the directory hangs");
            assertEquals(204, api.delete("/admin/identity-providers/hung", admin).status());
        }
    }

    @Test
    @Timeout(180)
    void aGroupChangeIsPickedUpByTheNextSyncAndShrinkingRolesEndSessions() throws Exception {
        String frank = token("frank");
        String ivan = token("ivan");
        long frankId = localUser("frank").orElseThrow().get("id").asLong();
        assertEquals(Set.of("viewer"), roles(localUser("frank").orElseThrow()));
        try (LDAPConnection root = slapd.root()) {
            root.modify(Slapd.groupDn("operators"), new Modification(ModificationType.ADD, "member", Slapd.userDn("frank")),
                    new Modification(ModificationType.DELETE, "member", Slapd.userDn("ivan")));
            root.modify(Slapd.groupDn("viewers"), new Modification(ModificationType.ADD, "member", Slapd.userDn("ivan")));
        }
        Eventually.await(Duration.ofSeconds(60), "frank's roles follow the directory",
                () -> roles(api.get("/users/" + frankId, admin).json()).equals(Set.of("operator", "viewer")));
        Eventually.await(Duration.ofSeconds(60), "ivan's roles follow the directory",
                () -> roles(localUser("ivan").orElseThrow()).equals(Set.of("viewer")));
        assertEquals(200, api.get("/auth/me", frank).status(), "a role added keeps the session");
        assertEquals(401, api.get("/auth/me", ivan).status(), "a role taken away ends the session");
        assertEquals(Set.of("viewer"), roles(api.get("/auth/me", token("ivan")).json()));
    }

    @Test
    @Timeout(180)
    void aUserRemovedFromTheDirectoryIsDisabledByTheSync() throws Exception {
        String grace = token("grace");
        String heidi = token("heidi");
        try (LDAPConnection root = slapd.root()) {
            root.delete(Slapd.userDn("grace"));
            root.modify(Slapd.userDn("heidi"), new Modification(ModificationType.REPLACE,
                    DirectoryUser.PWD_ACCOUNT_LOCKED_TIME, DirectoryUser.PPOLICY_PERMANENT_LOCK));
        }
        Eventually.await(Duration.ofSeconds(60), "grace is disabled",
                () -> !localUser("grace").orElseThrow().get("enabled").asBoolean());
        Eventually.await(Duration.ofSeconds(60), "heidi is disabled",
                () -> !localUser("heidi").orElseThrow().get("enabled").asBoolean());
        assertEquals(401, api.get("/auth/me", grace).status());
        assertEquals(401, api.get("/auth/me", heidi).status());
        assertEquals(401, login("corp", "grace", Slapd.password("grace")).status());
        assertTrue(localUser("alice").map(u -> u.get("enabled").asBoolean()).orElse(true), "others stay enabled");
    }

    @Test
    @Timeout(180)
    void aDirectoryThatIsDownSkipsTheSyncRoundAndDisablesNobody() throws Exception {
        Slapd second = Slapd.start();
        try {
            createProvider("second", LdapTesting.settings(second, Map.of("syncInterval", "10s")));
            String bob = api.post("/auth/login", null, api.toJson(Map.of("username", "bob", "password",
                    Slapd.password("bob"), "provider", "second"))).json().get("accessToken").asText();
            second.close();
            com.hazelcast.map.IMap<String, String> state = server.cluster().hazelcast().getMap(DirectorySync.STATE_MAP);
            String lastBefore = state.get("second.last");
            Eventually.await(Duration.ofSeconds(60), "a sync round of 'second' ran while its directory was down",
                    () -> !java.util.Objects.equals(state.get("second.last"), lastBefore));
            JsonNode local = localUser("bob").orElseThrow();
            assertTrue(local.get("enabled").asBoolean(), local.toString());
            assertEquals(Set.of("viewer"), roles(local));
            assertEquals(200, api.get("/auth/me", bob).status(), "the session survives the outage");
            assertEquals(503, login("second", "bob", Slapd.password("bob")).status());
        } finally {
            second.close();
            api.delete("/admin/identity-providers/second", admin);
        }
    }
}
