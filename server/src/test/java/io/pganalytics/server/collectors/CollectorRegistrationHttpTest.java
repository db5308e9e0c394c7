package io.pganalytics.server.collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.wire.RegistrationRequest;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.pganalytics.server.collectors.CollectorTesting.assertEnvelope;
import static io.pganalytics.server.collectors.CollectorTesting.count;
import static io.pganalytics.server.collectors.CollectorTesting.createToken;
import static io.pganalytics.server.collectors.CollectorTesting.newToken;
import static io.pganalytics.server.collectors.CollectorTesting.register;
import static io.pganalytics.server.collectors.CollectorTesting.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Registration tokens and registration over real HTTPS on a real node, with a clock the test moves. */
class CollectorRegistrationHttpTest {
    private static ManualClock clock;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        clock = ManualClock.startingNow();
        // Many tests here use bad tokens from 127.0.0.1 on purpose: keep the address limit out of their way
        // (the limit itself is tested below through the service with addresses of its own).
        server = TestServers.start(SharedPostgres.newDatabase("collector_registration"), TestServers.newClusterName(),
                Map.of("collectors.registration-rate-limit.failures-before-delay", "1000"), clock);
        api = new ApiClient(server);
        admin = api.loginAdmin();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static long collectors() {
        return count(server, "SELECT count(*) FROM collector");
    }

    @Test
    void aTokenIsShownOnceAndListedWithoutItsSecret() {
        JsonNode created = createToken(api, admin, "{\"note\":\"for db7\"}");
        String token = created.get("token").asText();
        assertTrue(token.matches("pgart_[A-Za-z0-9_-]{43}"), token);
        assertEquals("admin", created.get("createdBy").asText());
        assertEquals(clock.instant().plus(Duration.ofHours(24)).toString(), created.get("expiresAt").asText(), "24 h by default");

        ApiClient.Response list = api.get("/collectors/registration-tokens?limit=500", admin);
        assertEquals(200, list.status(), list.body());
        assertFalse(list.body().contains(token.substring(6)), "the secret is never listed");
        JsonNode listed = null;
        for (JsonNode item : list.json().get("items")) {
            if (item.get("id").asLong() == created.get("id").asLong()) {
                listed = item;
            }
        }
        assertTrue(listed != null, list.body());
        assertEquals("for db7", listed.get("note").asText());
        assertEquals("active", listed.get("state").asText());
        assertFalse(listed.has("token"));
        assertEquals(1, count(server, "SELECT count(*) FROM collector_registration_token WHERE id = " + created.get("id").asLong()
                + " AND length(token_hash) = 32"), "only the SHA-256 is stored");
    }

    @Test
    void registeringReturnsAnIdentityThatAuthenticatesOnTheCollectorRoute() {
        JsonNode created = createToken(api, admin, "{}");
        ApiClient.Response registered = register(api, created.get("token").asText(), "db1 collector");
        assertEquals(201, registered.status(), registered.body());
        JsonNode identity = registered.json();
        String id = identity.get("collectorId").asText();
        String credential = identity.get("credential").asText();
        assertTrue(credential.matches("pgac_" + id + "_[A-Za-z0-9_-]{43}"), credential);
        assertTrue(!identity.hasNonNull("serverUrl"), "no http.public-url configured: the collector keeps the URL it used");

        ApiClient.Response me = api.get("/collectors/me", credential);
        assertEquals(200, me.status(), me.body());
        assertEquals(id, me.json().get("id").asText());
        assertEquals("db1 collector", me.json().get("name").asText());
        assertEquals("db1.example.com", me.json().get("hostname").asText());
        assertEquals("3.5.0", me.json().get("version").asText());
        assertTrue(me.json().get("enabled").asBoolean());

        JsonNode token = findToken(created.get("id").asLong());
        assertEquals("used", token.get("state").asText());
        assertEquals(id, token.get("usedByCollectorId").asText());
        assertEquals(0, count(server, "SELECT count(*) FROM collector WHERE credential_hash = convert_to('" + credential + "', 'UTF8')"),
                "the credential itself is not stored");
    }

    @Test
    void aReusedTokenGets409AndCreatesNothing() {
        String token = newToken(api, admin);
        assertEquals(201, register(api, token, uniqueName("first")).status());
        long before = collectors();
        assertEnvelope(register(api, token, uniqueName("second")), 409, "conflict");
        assertEquals(before, collectors());
    }

    @Test
    void anExpiredTokenGets401AndCreatesNothing() {
        String token = createToken(api, admin, "{\"expiresInSeconds\":60}").get("token").asText();
        clock.advance(Duration.ofSeconds(61));
        long before = collectors();
        ApiClient.Response refused = register(api, token, uniqueName("late"));
        assertEnvelope(refused, 401, "unauthenticated");
        assertTrue(refused.json().get("message").asText().contains("expired"), refused.body());
        assertEquals(before, collectors());
    }

    @Test
    void garbageTokensGet401AndCreateNothing() {
        long before = collectors();
        for (String garbage : List.of("nope", "pgart_" + "A".repeat(43), "pgart_short", "' OR 1=1 --", "pgac_x", "x".repeat(5000))) {
            assertEnvelope(register(api, garbage, uniqueName("garbage")), 401, "unauthenticated");
        }
        assertEnvelope(api.post("/collectors/register", null, "{\"name\":\"no token\"}"), 400, "validation_failed");
        assertEnvelope(api.post("/collectors/register", null, "{\"token\":\"pgart_x\",\"extra\":1}"), 400, "malformed_request");
        assertEquals(before, collectors());
    }

    @Test
    void badFieldsGet400AndDoNotSpendTheToken() {
        String token = newToken(api, admin);
        long before = collectors();
        assertEnvelope(register(api, token, "n".repeat(201)), 400, "validation_failed");
        ApiClient.Response badVersion = api.post("/collectors/register", null, "{\"token\":\"" + token
                + "\",\"name\":\"ok\",\"collectorVersion\":\"" + "9".repeat(65) + "\"}");
        assertEnvelope(badVersion, 400, "validation_failed");
        assertEnvelope(api.post("/collectors/register", null, "{\"token\":\"" + token + "\",\"hostname\":\"" + "h".repeat(256) + "\"}"),
                400, "validation_failed");
        assertEnvelope(api.post("/collectors/register", null, "{\"token\":\"" + token + "\"}"), 400, "validation_failed");
        assertEquals(before, collectors());
        assertEquals(201, register(api, token, "n".repeat(200)).status(), "the token is still usable");
    }

    /** {@code racers} registrations with one token, released together, each under its own name: their HTTP statuses. */
    private List<Integer> registerAtOnce(String token, int racers, String namePrefix) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String name = uniqueName(namePrefix);
                results.add(pool.submit(() -> {
                    go.await();
                    return register(api, token, name).status();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoConcurrentRegistrationsWithOneTokenExactlyOneWins() throws Exception {
        String token = newToken(api, admin);
        long before = collectors();
        int racers = 6;
        List<Integer> statuses = registerAtOnce(token, racers, "racer");
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(racers - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(before + 1, collectors());
    }

    @Test
    void aRevokedTokenIsRefusedAndAUsedTokenCannotBeRevoked() {
        JsonNode created = createToken(api, admin, "{}");
        long id = created.get("id").asLong();
        assertEquals(204, api.delete("/collectors/registration-tokens/" + id, admin).status());
        assertEquals("revoked", findToken(id).get("state").asText());
        assertEnvelope(register(api, created.get("token").asText(), uniqueName("revoked")), 401, "unauthenticated");
        assertEnvelope(api.delete("/collectors/registration-tokens/" + id, admin), 409, "conflict");

        JsonNode used = createToken(api, admin, "{}");
        assertEquals(201, register(api, used.get("token").asText(), uniqueName("used")).status());
        assertEnvelope(api.delete("/collectors/registration-tokens/" + used.get("id").asLong(), admin), 409, "conflict");
        assertEnvelope(api.delete("/collectors/registration-tokens/987654321", admin), 404, "not_found");
        assertEnvelope(api.delete("/collectors/registration-tokens/abc", admin), 404, "not_found");
    }

    @Test
    void tokenLifetimesOutsideTheLimitsAndLongNotesAreRefused() {
        assertEnvelope(api.post("/collectors/registration-tokens", admin, "{\"expiresInSeconds\":" + (30L * 86400 + 1) + "}"),
                400, "validation_failed");
        assertEnvelope(api.post("/collectors/registration-tokens", admin, "{\"expiresInSeconds\":59}"), 400, "validation_failed");
        assertEnvelope(api.post("/collectors/registration-tokens", admin, "{\"note\":\"" + "n".repeat(501) + "\"}"), 400, "validation_failed");
        JsonNode longest = createToken(api, admin, "{\"expiresInSeconds\":" + 30L * 86400 + "}");
        assertEquals(clock.instant().plus(Duration.ofDays(30)).toString(), longest.get("expiresAt").asText());
        ApiClient.Response noBody = api.send(api.request("/collectors/registration-tokens", admin)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(201, noBody.status(), "an empty body takes the defaults: " + noBody.body());
    }

    @Test
    void viewersAndOperatorsGet403OnEveryAdminRoute() {
        for (String role : List.of("viewer", "operator")) {
            String name = uniqueName(role);
            assertEquals(201, api.post("/users", admin, "{\"username\":\"" + name + "\",\"password\":\"a long enough password\",\"roles\":[\""
                    + role + "\"]}").status());
            String token = api.login(name, "a long enough password");
            String someId = "00000000-0000-4000-8000-000000000000";
            assertEnvelope(api.get("/collectors", token), 403, "forbidden");
            assertEnvelope(api.get("/collectors/" + someId, token), 403, "forbidden");
            assertEnvelope(api.patch("/collectors/" + someId, token, "{\"enabled\":false}"), 403, "forbidden");
            assertEnvelope(api.delete("/collectors/" + someId, token), 403, "forbidden");
            assertEnvelope(api.get("/collectors/registration-tokens", token), 403, "forbidden");
            assertEnvelope(api.post("/collectors/registration-tokens", token, "{}"), 403, "forbidden");
            assertEnvelope(api.delete("/collectors/registration-tokens/1", token), 403, "forbidden");
        }
    }

    @Test
    void aPersonsTokenIsRefusedOnCollectorRoutesAndACollectorsCredentialOnPeoplesRoutes() {
        String credential = CollectorTesting.registerNew(api, admin, uniqueName("sides")).get("credential").asText();
        assertEnvelope(api.get("/collectors/me", admin), 401, "unauthenticated");
        assertEnvelope(api.get("/collectors/me", null), 401, "unauthenticated");
        assertEnvelope(api.get("/auth/me", credential), 401, "unauthenticated");
        assertEnvelope(api.get("/collectors", credential), 401, "unauthenticated");
        assertEnvelope(api.get("/users", credential), 401, "unauthenticated");
        assertEnvelope(api.get("/collectors/me", newToken(api, admin)), 401, "unauthenticated");
    }

    @Test
    void failuresFromOneAddressBlockItWithADoublingDelayThatPasses() {
        // The throttle of this node's Hazelcast map with a low threshold (the node itself runs with 1000, see above);
        // its use by registration, across nodes, is tested in CollectorTwoNodeTest.
        CollectorsConfig config = CollectorsConfig.from(io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(
                Map.of("registration-rate-limit.failures-before-delay", "3"))));
        RegistrationThrottle throttle = new RegistrationThrottle(server.cluster().hazelcast(), clock, config);
        String address = "203.0.113.77";
        for (int i = 0; i < 2; i++) {
            throttle.checkAllowed(address);
            throttle.recordFailure(address);
        }
        throttle.checkAllowed(address);
        throttle.recordFailure(address);
        ApiException limited = assertThrows(ApiException.class, () -> throttle.checkAllowed(address));
        assertEquals(ErrorType.RATE_LIMITED, limited.type());
        assertEquals(Duration.ofSeconds(1), limited.retryAfter().orElseThrow());
        throttle.checkAllowed("203.0.113.78");
        clock.advance(Duration.ofSeconds(1));
        throttle.checkAllowed(address);
        throttle.recordFailure(address);
        assertEquals(Duration.ofSeconds(2), assertThrows(ApiException.class, () -> throttle.checkAllowed(address))
                .retryAfter().orElseThrow(), "the delay doubles");
    }

    @Test
    void aRefusedRegistrationCountsAsAFailureOfItsAddress() {
        RegistrationRequest bad = new RegistrationRequest("pgart_" + "B".repeat(43), "guess", "h", "1");
        String address = "203.0.113.90";
        ApiException refused = assertThrows(ApiException.class, () -> server.collectors().registration().register(bad, address, "u"));
        assertEquals(ErrorType.UNAUTHENTICATED, refused.type());
        long[] failures = server.cluster().hazelcast().<String, long[]>getMap(RegistrationThrottle.MAP).get(address);
        assertEquals(1, failures[0], "one failure counted for " + address);
    }

    @Test
    void aMultiUseTokenRegistersUpToMaxUsesCollectorsAndListsTheUsesLeft() {
        JsonNode created = createToken(api, admin, "{\"note\":\"daemonset\",\"maxUses\":3}");
        long id = created.get("id").asLong();
        assertEquals(3, created.get("maxUses").asInt());
        assertEquals(1, createToken(api, admin, "{}").get("maxUses").asInt(), "one use by default, as before");
        String token = created.get("token").asText();
        long before = collectors();
        for (int use = 1; use <= 3; use++) {
            ApiClient.Response registered = register(api, token, uniqueName("node"));
            assertEquals(201, registered.status(), registered.body());
            JsonNode listed = findToken(id);
            assertEquals(3 - use, listed.get("usesLeft").asInt(), listed.toString());
            assertEquals(use < 3 ? "active" : "used", listed.get("state").asText(), listed.toString());
            assertEquals(registered.json().get("collectorId").asText(), listed.get("usedByCollectorId").asText(), "the latest use");
        }
        ApiClient.Response fourth = register(api, token, uniqueName("node"));
        assertEnvelope(fourth, 409, "conflict");
        assertTrue(fourth.json().get("message").asText().contains("3"), fourth.body());
        assertEquals(before + 3, collectors());
    }

    @Test
    void concurrentRegistrationsCannotTakeMoreUsesThanATokenHas() throws Exception {
        JsonNode created = createToken(api, admin, "{\"maxUses\":3}");
        String token = created.get("token").asText();
        long before = collectors();
        int racers = 8;
        List<Integer> statuses = registerAtOnce(token, racers, "node");
        assertEquals(3, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(racers - 3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(before + 3, collectors());
        assertEquals(3, count(server, "SELECT count(*) FROM collector WHERE registration_token_id = " + created.get("id").asLong()));
        assertEquals(0, findToken(created.get("id").asLong()).get("usesLeft").asInt());
    }

    @Test
    void revokingAPartlyUsedTokenStopsItsRemainingUses() {
        JsonNode created = createToken(api, admin, "{\"maxUses\":5}");
        long id = created.get("id").asLong();
        assertEquals(201, register(api, created.get("token").asText(), uniqueName("node")).status());
        assertEquals(204, api.delete("/collectors/registration-tokens/" + id, admin).status());
        JsonNode listed = findToken(id);
        assertEquals("revoked", listed.get("state").asText());
        assertEquals(0, listed.get("usesLeft").asInt(), "a revoked token has no use left");
        long before = collectors();
        assertEnvelope(register(api, created.get("token").asText(), uniqueName("node")), 401, "unauthenticated");
        assertEquals(before, collectors());
    }

    @Test
    void everyUseOfAMultiUseTokenIsAuditedWithTheCollectorItCreated() {
        JsonNode created = createToken(api, admin, "{\"maxUses\":2}");
        String tokenId = created.get("id").asText();
        for (int use = 1; use <= 2; use++) {
            String collector = register(api, created.get("token").asText(), uniqueName("node")).json().get("collectorId").asText();
            assertEquals(1, count(server, "SELECT count(*) FROM audit.record WHERE action = 'collector.register' AND resource_id = '"
                    + collector + "' AND details::jsonb -> 'after' ->> 'registrationToken' = '" + tokenId + "'"
                    + " AND details::jsonb -> 'after' ->> 'registrationTokenUse' = '" + use + "'"
                    + " AND details::jsonb -> 'after' ->> 'registrationTokenMaxUses' = '2'"), "use " + use + " by " + collector);
        }
    }

    @Test
    void aLiveNameRegisteredAgainUnderAMultiUseTokenGets409NamingTheCollectorAndSpendsNothing() {
        JsonNode created = createToken(api, admin, "{\"maxUses\":3}");
        String token = created.get("token").asText();
        String node = uniqueName("node");
        String first = register(api, token, node).json().get("collectorId").asText();
        long before = collectors();
        ApiClient.Response again = register(api, token, node);
        assertEnvelope(again, 409, "conflict");
        assertTrue(again.json().get("message").asText().contains(first), again.body());
        assertEquals(before, collectors());
        assertEquals(2, findToken(created.get("id").asLong()).get("usesLeft").asInt(), "the refused registration spent no use");

        assertEquals(204, api.delete("/collectors/" + first, admin).status());
        assertEquals(201, register(api, token, node).status(), "once the old collector is deleted the node registers again");
    }

    @Test
    void maxUsesOutsideItsLimitsIsRefused() {
        long before = count(server, "SELECT count(*) FROM collector_registration_token");
        for (String bad : List.of("0", "-1", "10001")) {
            assertEnvelope(api.post("/collectors/registration-tokens", admin, "{\"maxUses\":" + bad + "}"), 400, "validation_failed");
        }
        assertEquals(before, count(server, "SELECT count(*) FROM collector_registration_token"));
        assertEquals(10000, createToken(api, admin, "{\"maxUses\":10000}").get("maxUses").asInt());
    }

    private static JsonNode findToken(long id) {
        ApiClient.Response list = api.get("/collectors/registration-tokens?limit=500", admin);
        assertEquals(200, list.status(), list.body());
        for (JsonNode item : list.json().get("items")) {
            if (item.get("id").asLong() == id) {
                return item;
            }
        }
        throw new AssertionError("token " + id + " is not listed: " + list.body());
    }
}
