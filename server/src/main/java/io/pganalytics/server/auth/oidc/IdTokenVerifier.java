package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.server.http.ApiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * Checks an id_token (OIDC Core 3.1.3.7) with the JDK's signature classes: the header's algorithm must be on the
 * provider's allow-list (never {@code none} nor an HMAC, whose key would be the client secret), the key must be one of
 * the provider's JWKS, then iss, aud (and azp), exp, iat and the flow's nonce. Any failure is a 401 that says which
 * check failed and never repeats the token.
 */
final class IdTokenVerifier {
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final String providerName;
    private final OidcSettings settings;
    private final JsonWebKeys keys;
    private final ObjectMapper mapper;
    private final Clock clock;

    IdTokenVerifier(String providerName, OidcSettings settings, JsonWebKeys keys, ObjectMapper mapper, Clock clock) {
        this.providerName = providerName;
        this.settings = settings;
        this.keys = keys;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The token's claims, once every check passed. */
    JsonNode verify(String idToken, String expectedNonce) {
        if (idToken == null || idToken.isEmpty()) {
            throw refused("its token answer holds no id_token");
        }
        if (idToken.length() > MAX_TOKEN_CHARS) {
            throw refused("its id_token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        String[] parts = idToken.split("\\.", -1);
        if (parts.length != 3) {
            throw refused("its id_token is not a signed JWT (" + parts.length + " parts)");
        }
        JsonNode header = json(parts[0], "header");
        JsonNode claims = json(parts[1], "claims");
        checkSignature(header, parts);
        checkClaims(claims, expectedNonce);
        return claims;
    }

    private void checkSignature(JsonNode header, String[] parts) {
        String algorithm = header.path("alg").asText("");
        if (!settings.allowedAlgorithms().contains(algorithm)) {
            throw refused("its id_token is signed with alg '" + OidcSettings.abbreviate(algorithm)
                    + "', which is not allowed (allowed: " + settings.allowedAlgorithms() + ")");
        }
        if (header.has("crit")) {
            throw refused("its id_token has critical header parameters this server does not understand");
        }
        String kid = header.path("kid").asText("");
        JsonWebKeys.Key key = keys.find(kid)
                .orElseThrow(() -> refused("its id_token is signed by a key it does not publish (kid '" + OidcSettings.abbreviate(kid) + "')"));
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw refused("its id_token's signature is not base64url");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        try {
            Signature verifier = verifierFor(algorithm, key);
            verifier.update(signed);
            if (!verifier.verify(signature)) {
                throw refused("its id_token's signature does not verify");
            }
        } catch (GeneralSecurityException e) {
            throw refused("its id_token's signature does not verify (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Signature verifierFor(String algorithm, JsonWebKeys.Key key) throws GeneralSecurityException {
        String family = algorithm.substring(0, 2);
        String bits = algorithm.substring(2);
        String expectedType = family.equals("ES") ? "EC" : "RSA";
        if (!key.type().equals(expectedType)) {
            throw refused("its id_token says alg " + algorithm + " but key '" + key.kid() + "' is " + key.type());
        }
        Signature signature;
        switch (family) {
            case "RS" -> signature = Signature.getInstance("SHA" + bits + "withRSA");
            case "PS" -> {
                signature = Signature.getInstance("RSASSA-PSS");
                String digest = "SHA-" + bits;
                signature.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest),
                        Integer.parseInt(bits) / 8, 1));
            }
            case "ES" -> {
                String curve = switch (bits) {
                    case "256" -> "P-256";
                    case "384" -> "P-384";
                    default -> "P-521";
                };
                if (!curve.equals(key.curve())) {
                    throw refused("its id_token says alg " + algorithm + " but key '" + key.kid() + "' is on " + key.curve());
                }
                // JWS carries ECDSA signatures as R || S (RFC 7518 3.4), the JDK's P1363 format
                signature = Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
            }
            default -> throw refused("its id_token's alg " + algorithm + " is not supported");
        }
        signature.initVerify(key.publicKey());
        return signature;
    }

    private void checkClaims(JsonNode claims, String expectedNonce) {
        String issuer = claims.path("iss").asText("");
        if (!settings.issuer().equals(issuer)) {
            throw refused("its id_token was issued by '" + OidcSettings.abbreviate(issuer) + "', not by '" + settings.issuer() + "'");
        }
        JsonNode audience = claims.path("aud");
        boolean forUs = audience.isTextual() ? audience.asText().equals(settings.clientId())
                : audience.isArray() && contains(audience, settings.clientId());
        if (!forUs) {
            throw refused("its id_token is meant for another client (aud does not hold '" + settings.clientId() + "')");
        }
        JsonNode azp = claims.path("azp");
        if (audience.isArray() && audience.size() > 1 && azp.isMissingNode()) {
            throw refused("its id_token has several audiences and no azp");
        }
        if (!azp.isMissingNode() && !azp.asText("").equals(settings.clientId())) {
            throw refused("its id_token was issued to another party (azp is not '" + settings.clientId() + "')");
        }
        Instant now = clock.instant();
        Instant expires = instant(claims, "exp");
        if (!now.isBefore(expires.plus(settings.clockSkew()))) {
            throw refused("its id_token expired at " + expires);
        }
        Instant issued = instant(claims, "iat");
        if (issued.isAfter(now.plus(settings.clockSkew()))) {
            throw refused("its id_token was issued in the future (" + issued + ")");
        }
        if (claims.has("nbf") && instant(claims, "nbf").isAfter(now.plus(settings.clockSkew()))) {
            throw refused("its id_token is not valid yet");
        }
        String nonce = claims.path("nonce").asText("");
        if (!MessageDigest.isEqual(nonce.getBytes(StandardCharsets.UTF_8), expectedNonce.getBytes(StandardCharsets.UTF_8))) {
            throw refused("its id_token's nonce is not this sign-in's");
        }
        if (claims.path("sub").asText("").isEmpty()) {
            throw refused("its id_token has no sub");
        }
    }

    private Instant instant(JsonNode claims, String name) {
        JsonNode value = claims.path(name);
        if (!value.isNumber()) {
            throw refused("its id_token has no numeric " + name);
        }
        return Instant.ofEpochSecond(value.asLong());
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.isTextual() && item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode json(String part, String what) {
        try {
            JsonNode node = mapper.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw refused("its id_token's " + what + " is not a JSON object");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw refused("its id_token's " + what + " is not base64url JSON");
        }
    }

    private ApiException refused(String why) {
        return ApiException.unauthenticated("sign-in with " + providerName + " refused: " + why);
    }
}
