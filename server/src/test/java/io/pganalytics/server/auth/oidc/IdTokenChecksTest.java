package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.auth.ExternalIdentity;
import io.pganalytics.server.auth.provider.BrowserProvider;
import io.pganalytics.server.auth.provider.ProviderContext;
import io.pganalytics.server.auth.provider.ProviderDefinition;
import io.pganalytics.server.auth.provider.RoleMapping;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The id_token checks of {@link OidcProvider#finish}, against a test identity provider: a JDK HttpServer serving a
 * discovery document, a JWKS and a token endpoint that answers with whatever id_token the test built (signed with the
 * JDK by keys the test holds). Each forged or wrong token is refused with the check it failed; a right one passes.
 */
class IdTokenChecksTest {
    private static final String CLIENT_ID = "pganalytics";
    private static final String CLIENT_SECRET = "fake-idp-client-secret-0123456789abcdef";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final URI CALLBACK = URI.create("https://127.0.0.1:8443/api/v1/auth/sso/fake/callback");

    private static HttpServer idp;
    private static String issuer;
    private static KeyPair rsa;
    private static KeyPair ec;
    private static KeyPair rogue;
    private static volatile List<Map<String, Object>> published;
    private static volatile String nextIdToken;
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();

    private ManualClock clock;
    private BrowserProvider provider;

    @BeforeAll
    static void startIdp() throws Exception {
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        rsa = rsaGenerator.generateKeyPair();
        rogue = rsaGenerator.generateKeyPair();
        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        ec = ecGenerator.generateKeyPair();

        idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realms/fake";
        idp.createContext("/realms/fake/.well-known/openid-configuration", exchange -> json(exchange, Map.of(
                "issuer", issuer,
                "authorization_endpoint", issuer + "/auth",
                "token_endpoint", issuer + "/token",
                "jwks_uri", issuer + "/jwks")));
        idp.createContext("/realms/fake/jwks", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            json(exchange, Map.of("keys", published));
        });
        idp.createContext("/realms/fake/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            json(exchange, Map.of("access_token", "fake-access-token", "token_type", "Bearer", "expires_in", 300,
                    "id_token", nextIdToken));
        });
        idp.start();
    }

    @AfterAll
    static void stopIdp() {
        idp.stop(0);
    }

    @BeforeEach
    void newProvider() {
        published = List.of(rsaJwk("k1", (RSAPublicKey) rsa.getPublic()), ecJwk("e1", (ECPublicKey) ec.getPublic()));
        clock = new ManualClock(Instant.now());
        ProviderDefinition definition = new ProviderDefinition("fake", OidcKind.KIND, "Fake", true,
                Map.of("issuer", issuer, "clientId", CLIENT_ID), Map.of("clientSecret", CLIENT_SECRET),
                new RoleMapping(List.of(new RoleMapping.Rule("groups", "pga-operators", Role.OPERATOR)), null));
        provider = (BrowserProvider) new OidcKind().create(definition, new ProviderContext(null, clock, Path.of(".")));
    }

    /** Claims of a right token for the flow whose nonce is {@code nonce}. */
    private ObjectNode claims(String nonce) {
        long now = clock.instant().getEpochSecond();
        ObjectNode claims = MAPPER.createObjectNode();
        claims.put("iss", issuer).put("sub", "f0e1d2c3").put("aud", CLIENT_ID).put("azp", CLIENT_ID)
                .put("exp", now + 300).put("iat", now).put("nonce", nonce).put("preferred_username", "olivia");
        claims.putArray("groups").add("pga-operators");
        return claims;
    }

    /** Starts a flow, lets the IdP answer with the token {@code forge} makes of a right token's claims, finishes. */
    private ExternalIdentity signIn(Consumer<ObjectNode> change, String alg, String kid, PrivateKey key) {
        BrowserProvider.BrowserStart start = provider.start("flow-0123456789abcdefghij", CALLBACK);
        ObjectNode claims = claims(start.kept().get(OidcProvider.KEPT_NONCE));
        change.accept(claims);
        nextIdToken = sign(alg, kid, key, claims);
        return provider.finish(Map.of("code", "fake-code", "state", "flow-0123456789abcdefghij"), start.kept(), CALLBACK);
    }

    private void assertRefused(String expected, Consumer<ObjectNode> change, String alg, String kid, PrivateKey key) {
        ApiException refused = assertThrows(ApiException.class, () -> signIn(change, alg, kid, key));
        assertEquals(io.pganalytics.common.api.ErrorType.UNAUTHENTICATED, refused.type(), refused.getMessage());
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }

    private static final Consumer<ObjectNode> AS_IS = claims -> {
    };

    @Test
    void aRightTokenSignedWithRs256OrEs256Passes() {
        ExternalIdentity identity = signIn(AS_IS, "RS256", "k1", rsa.getPrivate());
        assertEquals("olivia", identity.username());
        assertEquals("f0e1d2c3", identity.subject());
        assertEquals(Set.of(Role.OPERATOR), identity.roles());
        assertEquals(Set.of("fed"), identity.authMethods());
        ExternalIdentity withAmr = signIn(claims -> claims.putArray("amr").add("pwd").add("otp").add("bad value\n"),
                "RS256", "k1", rsa.getPrivate());
        assertEquals(Set.of("fed"), withAmr.authMethods(),
                "the provider's own amr values are not passed on: only trustProviderMfa marks a sign-in mfa");
        assertEquals("olivia", signIn(AS_IS, "ES256", "e1", ec.getPrivate()).username());
    }

    @Test
    void aTokenSignedWithNoneIsRefused() {
        assertRefused("alg 'none'", AS_IS, "none", "k1", null);
    }

    @Test
    void aTokenSignedWithHs256AndTheClientSecretIsRefused() {
        assertRefused("alg 'HS256'", AS_IS, "HS256", "k1", null);
    }

    @Test
    void aTokenSignedByAnUnpublishedKeyIsRefused() {
        assertRefused("a key it does not publish", AS_IS, "RS256", "rogue", rogue.getPrivate());
        // a published kid over another key's signature
        assertRefused("signature does not verify", AS_IS, "RS256", "k1", rogue.getPrivate());
        // an RSA alg naming the EC key
        assertRefused("is EC", AS_IS, "RS256", "e1", rsa.getPrivate());
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        assertRefused("issued by 'https://evil.example/realms/fake'", claims -> claims.put("iss", "https://evil.example/realms/fake"),
                "RS256", "k1", rsa.getPrivate());
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        assertRefused("meant for another client", claims -> claims.put("aud", "someone-else"), "RS256", "k1", rsa.getPrivate());
        assertRefused("several audiences and no azp", claims -> {
            claims.putArray("aud").add(CLIENT_ID).add("someone-else");
            claims.remove("azp");
        }, "RS256", "k1", rsa.getPrivate());
        assertRefused("issued to another party", claims -> claims.put("azp", "someone-else"), "RS256", "k1", rsa.getPrivate());
    }

    @Test
    void anExpiredTokenIsRefusedBeyondTheClockSkew() {
        long now = clock.instant().getEpochSecond();
        assertRefused("expired", claims -> claims.put("exp", now - 61).put("iat", now - 400), "RS256", "k1", rsa.getPrivate());
        // within the 60 s skew it still passes
        assertEquals("olivia", signIn(claims -> claims.put("exp", now - 30), "RS256", "k1", rsa.getPrivate()).username());
    }

    @Test
    void aTokenIssuedInTheFutureIsRefused() {
        long now = clock.instant().getEpochSecond();
        assertRefused("issued in the future", claims -> claims.put("iat", now + 600).put("exp", now + 900), "RS256", "k1", rsa.getPrivate());
    }

    @Test
    void aTokenWithAnotherFlowsNonceIsRefused() {
        assertRefused("nonce is not this sign-in's", claims -> claims.put("nonce", "another-flows-nonce"), "RS256", "k1", rsa.getPrivate());
        assertRefused("nonce is not this sign-in's", claims -> claims.remove("nonce"), "RS256", "k1", rsa.getPrivate());
    }

    @Test
    void aRotatedKeyIsFetchedOnceAMinuteAtMost() throws Exception {
        assertEquals("olivia", signIn(AS_IS, "RS256", "k1", rsa.getPrivate()).username());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rotated = generator.generateKeyPair();
        published = List.of(rsaJwk("k2", (RSAPublicKey) rotated.getPublic()));
        int fetches = JWKS_FETCHES.get();
        // within a minute of the last fetch an unknown kid does not make the server fetch again
        assertRefused("a key it does not publish", AS_IS, "RS256", "k2", rotated.getPrivate());
        assertEquals(fetches, JWKS_FETCHES.get());
        clock.advance(Duration.ofSeconds(61));
        assertEquals("olivia", signIn(AS_IS, "RS256", "k2", rotated.getPrivate()).username());
        assertEquals(fetches + 1, JWKS_FETCHES.get());
    }

    @Test
    void aPersonNoRuleMapsIsRefused() {
        assertRefused("no role of this server", claims -> claims.putArray("groups").add("pga-strangers"), "RS256", "k1", rsa.getPrivate());
    }

    @Test
    void settingsThatWouldWeakenTheChecksAreRefused() {
        for (Object algorithms : List.of(List.of("none"), List.of("HS256"), List.of("RS256", "HS512"))) {
            ProviderDefinition definition = new ProviderDefinition("weak", OidcKind.KIND, null, true,
                    Map.of("issuer", issuer, "clientId", CLIENT_ID, "allowedAlgorithms", algorithms), Map.of(),
                    RoleMapping.refuseAll());
            ApiException refused = assertThrows(ApiException.class,
                    () -> new OidcKind().create(definition, new ProviderContext(null, clock, Path.of("."))));
            assertTrue(refused.getMessage().startsWith("settings.allowedAlgorithms"), refused.getMessage());
        }
        ProviderDefinition insecure = new ProviderDefinition("plain", OidcKind.KIND, null, true,
                Map.of("issuer", "http://idp.example/realms/x", "clientId", CLIENT_ID), Map.of(), RoleMapping.refuseAll());
        assertTrue(assertThrows(ApiException.class, () -> new OidcKind().create(insecure, new ProviderContext(null, clock, Path.of("."))))
                .getMessage().startsWith("settings.issuer"));
        ProviderDefinition typo = new ProviderDefinition("typo", OidcKind.KIND, null, true,
                Map.of("issuer", issuer, "clientId", CLIENT_ID, "allowedAlgorithm", "none"), Map.of(), RoleMapping.refuseAll());
        assertTrue(assertThrows(ApiException.class, () -> new OidcKind().create(typo, new ProviderContext(null, clock, Path.of("."))))
                .getMessage().startsWith("settings.allowedAlgorithm:"));
        ProviderDefinition skew = new ProviderDefinition("skew", OidcKind.KIND, null, true,
                Map.of("issuer", issuer, "clientId", CLIENT_ID, "clockSkew", "10m"), Map.of(), RoleMapping.refuseAll());
        assertTrue(assertThrows(ApiException.class, () -> new OidcKind().create(skew, new ProviderContext(null, clock, Path.of("."))))
                .getMessage().startsWith("settings.clockSkew"));
    }

    @Test
    void everyWrongOidcSettingIsNamedAtOnce() {
        ProviderDefinition wrong = new ProviderDefinition("wrong", OidcKind.KIND, null, true,
                Map.of("issuer", "http://idp.example/realms/x", "allowedAlgorithms", List.of("HS256"), "clockSkew", "10m",
                        "colour", "blue"), Map.of("pin", "1"), RoleMapping.refuseAll());
        ApiException refused = assertThrows(ApiException.class,
                () -> new OidcKind().create(wrong, new ProviderContext(null, clock, Path.of("."))));
        assertEquals(List.of("settings.colour", "secrets.pin", "settings.issuer", "settings.clientId",
                "settings.allowedAlgorithms", "settings.clockSkew"),
                refused.details().stream().map(d -> d.field()).toList(), refused.details()::toString);
    }

    private static String sign(String alg, String kid, PrivateKey key, ObjectNode claims) {
        try {
            String header = b64(MAPPER.writeValueAsBytes(Map.of("alg", alg, "kid", kid, "typ", "JWT")));
            String body = b64(MAPPER.writeValueAsBytes(claims));
            byte[] input = (header + "." + body).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = switch (alg) {
                case "none" -> new byte[0];
                case "HS256" -> {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                    yield mac.doFinal(input);
                }
                case "ES256" -> {
                    Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
                    ecdsa.initSign(key);
                    ecdsa.update(input);
                    yield ecdsa.sign();
                }
                default -> {
                    Signature rsaSignature = Signature.getInstance("SHA256withRSA");
                    rsaSignature.initSign(key);
                    rsaSignature.update(input);
                    yield rsaSignature.sign();
                }
            };
            return header + "." + body + "." + b64(signature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> rsaJwk(String kid, RSAPublicKey key) {
        return Map.of("kty", "RSA", "kid", kid, "use", "sig", "alg", "RS256",
                "n", b64(unsigned(key.getModulus())), "e", b64(unsigned(key.getPublicExponent())));
    }

    private static Map<String, Object> ecJwk(String kid, ECPublicKey key) {
        return Map.of("kty", "EC", "kid", kid, "use", "sig", "crv", "P-256",
                "x", b64(fixed(key.getW().getAffineX(), 32)), "y", b64(fixed(key.getW().getAffineY(), 32)));
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] bytes = unsigned(value);
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
        return out;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void json(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
