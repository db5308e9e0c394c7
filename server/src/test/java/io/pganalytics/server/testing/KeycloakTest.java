package io.pganalytics.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Keycloak fixture itself: its realm accepts a loopback callback on any port and puts the groups in the id_token. */
class KeycloakTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void realmIssuesAnIdTokenWithGroupsToALoopbackCallbackOnAnyPort() throws Exception {
        Keycloak keycloak = Keycloak.get();
        JsonNode discovery = mapper.readTree(new Browser().get(URI.create(keycloak.issuer() + "/.well-known/openid-configuration")).body());
        assertEquals(keycloak.issuer(), discovery.get("issuer").asText());

        String callback = "https://127.0.0.1:" + TestServers.freePort() + "/api/v1/auth/sso/keycloak/callback";
        String verifier = "a-verifier-of-at-least-forty-three-characters-0123456789";
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        Browser browser = new Browser();
        URI authorize = URI.create(discovery.get("authorization_endpoint").asText() + "?response_type=code&scope=openid"
                + "&client_id=" + Keycloak.OIDC_CLIENT + "&redirect_uri=" + URLEncoder.encode(callback, StandardCharsets.UTF_8)
                + "&state=s1&nonce=n1&code_challenge=" + challenge + "&code_challenge_method=S256");
        Browser.Page login = browser.get(authorize);
        assertEquals(200, login.status(), login.body());
        Browser.Page answer = browser.keycloakLogin(login, Keycloak.User.OLIVIA.username, Keycloak.User.OLIVIA.password);
        assertTrue(answer.isRedirect(), () -> answer.status() + " " + answer.body());
        URI location = answer.location().orElseThrow();
        assertTrue(location.toString().startsWith(callback + "?"), location::toString);
        Map<String, String> query = Browser.query(location);
        assertEquals("s1", query.get("state"));

        Browser.Page token = browser.post(URI.create(discovery.get("token_endpoint").asText()), Map.of(
                "grant_type", "authorization_code", "code", query.get("code"), "redirect_uri", callback,
                "client_id", Keycloak.OIDC_CLIENT, "client_secret", Keycloak.OIDC_SECRET, "code_verifier", verifier));
        assertEquals(200, token.status(), token.body());
        String idToken = mapper.readTree(token.body()).get("id_token").asText();
        JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(idToken.split("\\.")[1]));
        assertEquals("olivia", claims.get("preferred_username").asText());
        assertEquals("n1", claims.get("nonce").asText());
        assertEquals(Keycloak.OPERATORS, claims.get("groups").get(0).asText(), claims::toString);
    }

    @Test
    void realmRefusesAnAuthorizationRequestWithoutPkce() throws Exception {
        Keycloak keycloak = Keycloak.get();
        String callback = "https://127.0.0.1:" + TestServers.freePort() + "/api/v1/auth/sso/keycloak/callback";
        Browser.Page answer = new Browser().get(URI.create(keycloak.issuer() + "/protocol/openid-connect/auth?response_type=code"
                + "&scope=openid&client_id=" + Keycloak.OIDC_CLIENT + "&redirect_uri=" + URLEncoder.encode(callback, StandardCharsets.UTF_8)
                + "&state=s2"));
        assertTrue(answer.isRedirect(), () -> answer.status() + " " + answer.body());
        assertEquals("invalid_request", Browser.query(answer.location().orElseThrow()).get("error"));
    }

    private static byte[] sha256(String text) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
    }
}
