package io.pganalytics.server.auth.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestProviderKinds;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity providers' admin and public routes, and sign-in through a password provider, over real HTTPS on a real
 * server node, with the tests' own provider kinds ({@link TestProviderKinds}) in place of a directory server.
 */
class IdentityProvidersHttpTest {
    private static final String CONFIG_SECRET = "from-a-file-Pelican-31";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() throws IOException {
        Path secretFile = Files.createTempFile("bind", ".secret");
        Files.writeString(secretFile, TestProviderKinds.BIND_PASSWORD + "\n");
        Map<String, String> overrides = new HashMap<>();
        overrides.put("auth.providers.0.name", "corp-config");
        overrides.put("auth.providers.0.kind", TestProviderKinds.DIRECTORY);
        overrides.put("auth.providers.0.display-name", "Corporate (file)");
        overrides.put("auth.providers.0.settings.directory", "config-dir");
        overrides.put("auth.providers.0.secrets.bindPassword-file", secretFile.toString());
        overrides.put("auth.providers.0.role-mapping.default-role", "viewer");
        overrides.put("auth.providers.0.role-mapping.rules.0.attribute", "groups");
        overrides.put("auth.providers.0.role-mapping.rules.0.value", "cn=dba,ou=groups");
        overrides.put("auth.providers.0.role-mapping.rules.0.role", "operator");
        overrides.put("auth.login-rate-limit.user-failures-before-delay", "3");
        server = TestServers.start(SharedPostgres.newDatabase("idp_http"), TestServers.newClusterName(), overrides,
                Clock.systemUTC(), TestProviderKinds.all());
        api = new ApiClient(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    /** A provider of the test directory kind, as the admin API takes it. */
    private static String directoryProvider(String name, String directory, boolean enabled, String secret) {
        return "{\"name\":\"" + name + "\",\"kind\":\"" + TestProviderKinds.DIRECTORY + "\",\"displayName\":\"Directory " + name
                + "\",\"enabled\":" + enabled + ",\"settings\":{\"directory\":\"" + directory + "\"},"
                + (secret == null ? "" : "\"secrets\":{\"bindPassword\":\"" + secret + "\"},")
                + "\"roleMapping\":{\"rules\":[{\"attribute\":\"groups\",\"value\":\"cn=dba,ou=groups\",\"role\":\"operator\"},"
                + "{\"attribute\":\"groups\",\"value\":\"cn=audit,ou=groups\",\"role\":\"auditor\"}],\"defaultRole\":null}}";
    }

    private static JsonNode create(String json) {
        ApiClient.Response created = api.post("/admin/identity-providers", admin, json);
        assertEquals(201, created.status(), created.body());
        return created.json();
    }

    private static ApiClient.Response login(String username, String password, String provider) {
        return api.post("/auth/login", null, "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"provider\":"
                + (provider == null ? "null" : "\"" + provider + "\"") + "}");
    }

    private static Set<String> roles(JsonNode user) {
        Set<String> roles = new java.util.TreeSet<>();
        user.get("roles").forEach(role -> roles.add(role.asText()));
        return roles;
    }

    private static void assertRefused(ApiClient.Response response, int status, String field) {
        assertEquals(status, response.status(), response.body());
        if (field != null) {
            List<String> fields = new ArrayList<>();
            response.json().path("details").forEach(detail -> fields.add(detail.get("field").asText()));
            assertTrue(fields.contains(field), "the error names " + field + ": " + response.body());
        }
    }

    @Test
    void anAdminCreatesReadsReplacesAndDeletesAProvider() {
        String name = unique("crud");
        JsonNode created = create(directoryProvider(name, "crud-dir", true, TestProviderKinds.BIND_PASSWORD));
        assertEquals(name, created.get("name").asText());
        assertEquals("api", created.get("origin").asText());
        assertEquals("crud-dir", created.get("settings").get("directory").asText());
        assertEquals(2, created.get("roleMapping").get("rules").size());
        assertEquals(1, created.get("version").asLong());

        ApiClient.Response list = api.get("/admin/identity-providers", admin);
        assertEquals(200, list.status(), list.body());
        assertTrue(list.body().contains("\"name\":\"" + name + "\""), list.body());
        assertEquals(created, api.get("/admin/identity-providers/" + name, admin).json());

        ApiClient.Response replaced = api.put("/admin/identity-providers/" + name, admin,
                "{\"displayName\":\"Renamed\",\"enabled\":false,\"settings\":{\"directory\":\"other-dir\"},"
                        + "\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}}");
        assertEquals(200, replaced.status(), replaced.body());
        assertEquals("Renamed", replaced.json().get("displayName").asText());
        assertFalse(replaced.json().get("enabled").asBoolean());
        assertEquals("other-dir", replaced.json().get("settings").get("directory").asText());
        assertEquals("viewer", replaced.json().get("roleMapping").get("defaultRole").asText());
        assertEquals(2, replaced.json().get("version").asLong());

        assertEquals(204, api.delete("/admin/identity-providers/" + name, admin).status());
        assertEquals(404, api.get("/admin/identity-providers/" + name, admin).status());
    }

    @Test
    void secretsAreNeverReturnedOnlyTheirNames() {
        String name = unique("secret");
        List<String> bodies = new ArrayList<>();
        JsonNode created = create(directoryProvider(name, "secret-dir", true, TestProviderKinds.BIND_PASSWORD));
        bodies.add(created.toString());
        assertEquals("[\"bindPassword\"]", created.get("secretsSet").toString());
        bodies.add(api.get("/admin/identity-providers/" + name, admin).body());
        bodies.add(api.get("/admin/identity-providers", admin).body());
        bodies.add(api.put("/admin/identity-providers/" + name, admin, directoryProvider(name, "secret-dir", true, null)).body());
        bodies.add(api.post("/admin/identity-providers/" + name + "/test", admin, "").body());
        bodies.add(api.get("/auth/providers", null).body());
        bodies.add(api.get("/admin/identity-providers/corp-config", admin).body());
        for (String body : bodies) {
            assertFalse(body.contains(TestProviderKinds.BIND_PASSWORD), "no secret in " + body);
            assertFalse(body.contains("Quokka"), "no part of a secret in " + body);
        }
    }

    @Test
    void aReplaceKeepsOmittedSecretsAndAnEmptyOneRemovesIt() {
        String name = unique("keep");
        create(directoryProvider(name, "keep-dir", true, TestProviderKinds.BIND_PASSWORD));
        String test = "/admin/identity-providers/" + name + "/test";
        assertTrue(api.post(test, admin, "").json().get("ok").asBoolean());

        ApiClient.Response kept = api.put("/admin/identity-providers/" + name, admin, directoryProvider(name, "keep-dir", true, null));
        assertEquals(200, kept.status(), kept.body());
        assertEquals("[\"bindPassword\"]", kept.json().get("secretsSet").toString());
        JsonNode afterKeep = api.post(test, admin, "").json();
        assertTrue(afterKeep.get("ok").asBoolean(), "the omitted secret kept its value: " + afterKeep);

        ApiClient.Response removed = api.put("/admin/identity-providers/" + name, admin, directoryProvider(name, "keep-dir", true, ""));
        assertEquals(200, removed.status(), removed.body());
        assertEquals("[]", removed.json().get("secretsSet").toString());
        JsonNode afterRemove = api.post(test, admin, "").json();
        assertFalse(afterRemove.get("ok").asBoolean());
        assertEquals("no bind password is set", afterRemove.get("message").asText());
    }

    @Test
    void aProviderOfTheConfigurationFileIsReadOnlyThroughTheApi() {
        JsonNode configured = api.get("/admin/identity-providers/corp-config", admin).json();
        assertEquals("configuration", configured.get("origin").asText());
        assertEquals("Corporate (file)", configured.get("displayName").asText());
        assertEquals("[\"bindPassword\"]", configured.get("secretsSet").toString(), "read from the secret's file");
        assertEquals("viewer", configured.get("roleMapping").get("defaultRole").asText());

        assertRefused(api.put("/admin/identity-providers/corp-config", admin, directoryProvider("corp-config", "x", false, null)), 409, null);
        assertRefused(api.delete("/admin/identity-providers/corp-config", admin), 409, null);
        assertEquals(configured, api.get("/admin/identity-providers/corp-config", admin).json(), "nothing changed");
        JsonNode tested = api.post("/admin/identity-providers/corp-config/test", admin, "").json();
        assertTrue(tested.get("ok").asBoolean(), "the secret read from its file binds: " + tested);
    }

    @Test
    void badNamesKindsSettingsAndMappingsAreRefusedNamingTheFieldAndChangeNothing() {
        String before = api.get("/admin/identity-providers", admin).body();
        for (String name : List.of("A", "x", "local", "has space", "Upper", "a".repeat(33), "semi;colon")) {
            assertRefused(api.post("/admin/identity-providers", admin, directoryProvider(name, "d", true, null)), 400, "name");
        }
        String good = unique("bad");
        assertRefused(api.post("/admin/identity-providers", admin,
                directoryProvider(good, "d", true, null).replace(TestProviderKinds.DIRECTORY, "kerberos")), 400, "kind");
        assertRefused(api.post("/admin/identity-providers", admin,
                directoryProvider(good, "d", true, null).replace("\"directory\":\"d\"", "\"colour\":\"blue\"")), 400, "settings.colour");
        assertRefused(api.post("/admin/identity-providers", admin,
                directoryProvider(good, "d", true, null).replace("\"directory\":\"d\"", "\"directory\":\"d\",\"extra\":null")), 400,
                "settings.extra");
        assertRefused(api.post("/admin/identity-providers", admin,
                directoryProvider(good, "d", true, null).replace("\"role\":\"operator\"", "\"role\":\"root\"")), 400,
                "roleMapping.rules[0].role");
        assertRefused(api.post("/admin/identity-providers", admin,
                directoryProvider(good, "d", true, null).replace("\"attribute\":\"groups\",\"value\":\"cn=dba", "\"attribute\":\" \",\"value\":\"cn=dba")),
                400, "roleMapping.rules[0].attribute");
        assertRefused(api.post("/admin/identity-providers", admin, "{\"name\":\"" + good + "\",\"kind\":\"" + TestProviderKinds.DIRECTORY
                + "\",\"settings\":{\"directory\":\"d\"},\"roleMapping\":{\"rules\":[],\"defaultRole\":null}}"), 400, "roleMapping");
        assertRefused(api.post("/admin/identity-providers", admin, "{\"name\":\"" + good + "\",\"kind\":\"" + TestProviderKinds.DIRECTORY
                + "\",\"settings\":{\"directory\":\"d\"}}"), 400, "roleMapping");
        assertEquals(before, api.get("/admin/identity-providers", admin).body(), "nothing was created");

        String existing = unique("fixed");
        String original = create(directoryProvider(existing, "d", true, null)).toString();
        String path = "/admin/identity-providers/" + existing;
        assertRefused(api.put(path, admin, directoryProvider(existing, "d", true, null).replace(TestProviderKinds.DIRECTORY,
                TestProviderKinds.BROWSER)), 400, "kind");
        assertRefused(api.put(path, admin, directoryProvider("other-name", "d", true, null)), 400, "name");
        assertRefused(api.put(path, admin, directoryProvider(existing, "d", true, null).replace("\"directory\":\"d\"", "\"directory\":\"\"")),
                400, "settings.directory");
        assertRefused(api.post("/admin/identity-providers", admin, directoryProvider(existing, "d", true, null)), 409, null);
        assertEquals(original, api.get(path, admin).json().toString(), "the provider is unchanged");
        assertEquals(404, api.get("/admin/identity-providers/no-such", admin).status());
    }

    @Test
    void onlyAdminsManageProviders() {
        String viewer = api.loginNewViewer(unique("viewer"));
        assertEquals(403, api.get("/admin/identity-providers", viewer).status());
        assertEquals(403, api.post("/admin/identity-providers", viewer, directoryProvider(unique("v"), "d", true, null)).status());
        assertEquals(403, api.post("/admin/identity-providers/corp-config/test", viewer, "").status());
        assertEquals(403, api.delete("/admin/identity-providers/corp-config", viewer).status());
        assertEquals(401, api.get("/admin/identity-providers", null).status());
    }

    @Test
    void thePublicListShowsLocalFirstThenOnlyEnabledProviders() {
        String on = unique("on");
        String off = unique("off");
        String sso = unique("sso");
        create(directoryProvider(on, "d", true, null));
        create(directoryProvider(off, "d", false, null));
        create("{\"name\":\"" + sso + "\",\"kind\":\"" + TestProviderKinds.BROWSER + "\",\"displayName\":\"Company SSO\","
                + "\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}}");
        ApiClient.Response list = api.get("/auth/providers", null);
        assertEquals(200, list.status(), list.body());
        JsonNode first = list.json().get(0);
        assertEquals("{\"name\":\"local\",\"kind\":\"local\",\"displayName\":\"Local account\",\"signIn\":\"password\"}", first.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        list.json().forEach(entry -> byName.put(entry.get("name").asText(), entry));
        assertEquals("password", byName.get(on).get("signIn").asText());
        assertEquals(TestProviderKinds.DIRECTORY, byName.get(on).get("kind").asText());
        assertEquals("browser", byName.get(sso).get("signIn").asText());
        assertEquals("Company SSO", byName.get(sso).get("displayName").asText());
        assertFalse(byName.containsKey(off), "a disabled provider is not offered: " + list.body());
    }

    @Test
    void aSignInThroughAPasswordProviderCreatesThenUpdatesTheUserWithMappedRoles() {
        String provider = unique("dir");
        String directory = provider + "-people";
        create(directoryProvider(provider, directory, true, null));
        String username = unique("alice");
        TestProviderKinds.put(directory, username, new TestProviderKinds.Person("uid=" + username + ",ou=people", "alice-pw-1",
                "Alice Liddell", username + "@example.org", Set.of("cn=dba,ou=groups", "cn=audit,ou=groups")));

        ApiClient.Response first = login(username, "alice-pw-1", provider);
        assertEquals(200, first.status(), first.body());
        JsonNode user = first.json().get("user");
        assertEquals(provider, user.get("source").asText());
        assertEquals("Alice Liddell", user.get("displayName").asText());
        assertEquals(Set.of("operator", "auditor"), roles(user));
        String access = first.json().get("accessToken").asText();
        assertEquals(200, api.get("/auth/me", access).status());

        // The directory drops a group: the next sign-in follows it, and the older session ends (a role was taken away).
        TestProviderKinds.put(directory, username, new TestProviderKinds.Person("uid=" + username + ",ou=people", "alice-pw-1",
                "Alice L.", null, Set.of("cn=audit,ou=groups")));
        ApiClient.Response second = login(username, "alice-pw-1", provider);
        assertEquals(200, second.status(), second.body());
        assertEquals(user.get("id").asLong(), second.json().get("user").get("id").asLong(), "the same user");
        assertEquals(Set.of("auditor"), roles(second.json().get("user")));
        assertEquals("Alice L.", second.json().get("user").get("displayName").asText());
        assertEquals(401, api.get("/auth/me", access).status(), "the session with more roles ended");

        // No password here: the local sign-in refuses them, and an admin cannot give them one.
        assertRefused(login(username, "alice-pw-1", null), 401, null);
        assertRefused(login(username, "alice-pw-1", "local"), 401, null);
        assertRefused(api.patch("/users/" + user.get("id").asLong(), admin, "{\"password\":\"a long enough password\"}"), 400, "password");
    }

    @Test
    void aProviderUserNameThatBelongsToAnotherUserIsRefusedNotMerged() {
        String provider = unique("clash");
        String directory = provider + "-people";
        create(directoryProvider(provider, directory, true, null));
        String local = unique("bob");
        ApiClient.Response made = api.post("/users", admin, "{\"username\":\"" + local + "\",\"password\":\"a long enough password\","
                + "\"roles\":[\"viewer\"]}");
        assertEquals(201, made.status(), made.body());
        JsonNode localBefore = api.get("/users/" + made.json().get("id").asLong(), admin).json();
        TestProviderKinds.put(directory, local, new TestProviderKinds.Person("uid=" + local, "bob-pw", null, null,
                Set.of("cn=dba,ou=groups")));
        ApiClient.Response clash = login(local, "bob-pw", provider);
        assertRefused(clash, 409, null);
        assertTrue(clash.body().contains("never merged"), clash.body());
        assertEquals(localBefore, api.get("/users/" + made.json().get("id").asLong(), admin).json(), "the local user is unchanged");

        // The same name from a second provider, for another person, is refused as well.
        String other = unique("clash2");
        create(directoryProvider(other, other + "-people", true, null));
        String carol = unique("carol");
        TestProviderKinds.put(directory, carol, new TestProviderKinds.Person("uid=carol,o=one", "c-pw", null, null, Set.of("cn=dba,ou=groups")));
        TestProviderKinds.put(other + "-people", carol, new TestProviderKinds.Person("uid=carol,o=two", "c-pw", null, null,
                Set.of("cn=dba,ou=groups")));
        assertEquals(200, login(carol, "c-pw", provider).status());
        assertRefused(login(carol, "c-pw", other), 409, null);
    }

    @Test
    void aDisabledUserOfAProviderCannotSignIn() {
        String provider = unique("dis");
        String directory = provider + "-people";
        create(directoryProvider(provider, directory, true, null));
        String username = unique("dave");
        TestProviderKinds.put(directory, username, new TestProviderKinds.Person("uid=" + username, "dave-pw", null, null,
                Set.of("cn=dba,ou=groups")));
        ApiClient.Response first = login(username, "dave-pw", provider);
        assertEquals(200, first.status(), first.body());
        long id = first.json().get("user").get("id").asLong();
        assertEquals(200, api.patch("/users/" + id, admin, "{\"enabled\":false}").status());
        ApiClient.Response refused = login(username, "dave-pw", provider);
        assertRefused(refused, 401, null);
        assertTrue(refused.body().contains("disabled"), refused.body());
    }

    @Test
    void aLoginNamingAnUnknownDisabledOrBrowserProviderIsRefusedNamingTheProviderField() {
        String off = unique("off");
        create(directoryProvider(off, "d", false, null));
        String sso = unique("sso");
        create("{\"name\":\"" + sso + "\",\"kind\":\"" + TestProviderKinds.BROWSER + "\","
                + "\"roleMapping\":{\"rules\":[],\"defaultRole\":\"viewer\"}}");
        for (String provider : List.of("no-such", off, sso, "BAD name")) {
            assertRefused(login("someone", "any password", provider), 400, "provider");
        }
    }

    @Test
    void aMappingThatGrantsNothingRefusesWithTheSameWordsAsAWrongPassword() {
        String provider = unique("map");
        String directory = provider + "-people";
        create(directoryProvider(provider, directory, true, null));
        String username = unique("erin");
        TestProviderKinds.put(directory, username, new TestProviderKinds.Person("uid=" + username, "erin-pw", null, null,
                Set.of("cn=nobody,ou=groups")));
        ApiClient.Response unmapped = login(username, "erin-pw", provider);
        ApiClient.Response wrong = login(username, "wrong-pw", provider);
        assertRefused(unmapped, 401, null);
        assertRefused(wrong, 401, null);
        assertEquals(unmapped.json().get("message"), wrong.json().get("message"));
    }

    @Test
    void failedSignInsThroughAProviderAreThrottledLikeLocalOnes() {
        String provider = unique("thr");
        String directory = provider + "-people";
        create(directoryProvider(provider, directory, true, null));
        String username = unique("frank");
        TestProviderKinds.put(directory, username, new TestProviderKinds.Person("uid=" + username, "frank-pw", null, null,
                Set.of("cn=dba,ou=groups")));
        for (int i = 0; i < 3; i++) {
            assertRefused(login(username, "wrong-" + i, provider), 401, null);
        }
        ApiClient.Response blocked = login(username, "frank-pw", provider);
        assertRefused(blocked, 429, null);
        assertTrue(blocked.header("Retry-After").isPresent(), blocked.body());
    }

    @Test
    void theConfiguredProviderSignsPeopleInWithItsDefaultRole() {
        String username = unique("grace");
        TestProviderKinds.put("config-dir", username, new TestProviderKinds.Person("uid=" + username, "grace-pw", null, null,
                Set.of("cn=elsewhere")));
        ApiClient.Response signedIn = login(username, "grace-pw", "corp-config");
        assertEquals(200, signedIn.status(), signedIn.body());
        assertEquals(Set.of("viewer"), roles(signedIn.json().get("user")));
    }
}
