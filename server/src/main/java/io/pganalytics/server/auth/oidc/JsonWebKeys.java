package io.pganalytics.server.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.net.URI;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The provider's signing keys (its JWKS), cached: a token signed by a key id the cache does not know makes one
 * fetch of the JWKS (the provider rotated its keys), at most once per {@link #REFETCH_INTERVAL} so that tokens with
 * made-up key ids cannot make this server hammer the provider. Only RSA and EC keys meant for signatures are kept.
 */
final class JsonWebKeys {
    static final Duration REFETCH_INTERVAL = Duration.ofMinutes(1);
    static final int MAX_KEYS = 50;

    /** A signing key: its JWK type ({@code RSA}, {@code EC}), EC curve, and the JDK key. */
    record Key(String kid, String type, String curve, PublicKey publicKey) {
    }

    private final OidcHttp http;
    private final String providerName;
    private final Supplier<URI> jwksUri;
    private final Clock clock;
    private Map<String, Key> keys = Map.of();
    private Instant fetchedAt;

    JsonWebKeys(OidcHttp http, String providerName, Supplier<URI> jwksUri, Clock clock) {
        this.http = http;
        this.providerName = providerName;
        this.jwksUri = jwksUri;
        this.clock = clock;
    }

    /**
     * The key with id {@code kid} (or, when the token names none, the only key of the JWKS), fetching the JWKS
     * first when it was never fetched or, once a minute at most, when the id is unknown.
     */
    synchronized Optional<Key> find(String kid) {
        if (fetchedAt == null) {
            refresh();
        }
        Optional<Key> key = lookup(kid);
        if (key.isEmpty() && !clock.instant().isBefore(fetchedAt.plus(REFETCH_INTERVAL))) {
            refresh();
            key = lookup(kid);
        }
        return key;
    }

    /** Fetches the JWKS now (the admin's "test connection", and the first use); returns how many keys it holds. */
    synchronized int refresh() {
        JsonNode document = http.getJson(providerName, "JWKS", jwksUri.get(), null);
        Map<String, Key> parsed = new LinkedHashMap<>();
        for (JsonNode jwk : document.path("keys")) {
            if (parsed.size() >= MAX_KEYS) {
                break;
            }
            String use = jwk.path("use").asText("sig");
            if (!use.equals("sig")) {
                continue;
            }
            String kid = jwk.path("kid").asText("");
            parse(kid, jwk).ifPresent(key -> parsed.put(kid.isEmpty() ? "#" + parsed.size() : kid, key));
        }
        keys = Map.copyOf(parsed);
        fetchedAt = clock.instant();
        return keys.size();
    }

    synchronized Map<String, Key> keys() {
        return keys;
    }

    private Optional<Key> lookup(String kid) {
        if (kid == null || kid.isEmpty()) {
            return keys.size() == 1 ? Optional.of(keys.values().iterator().next()) : Optional.empty();
        }
        return Optional.ofNullable(keys.get(kid));
    }

    private static Optional<Key> parse(String kid, JsonNode jwk) {
        String type = jwk.path("kty").asText("");
        try {
            if (type.equals("RSA")) {
                RSAPublicKeySpec spec = new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e"));
                return Optional.of(new Key(kid, type, null, KeyFactory.getInstance("RSA").generatePublic(spec)));
            }
            if (type.equals("EC")) {
                String curve = jwk.path("crv").asText("");
                String standardName = switch (curve) {
                    case "P-256" -> "secp256r1";
                    case "P-384" -> "secp384r1";
                    case "P-521" -> "secp521r1";
                    default -> null;
                };
                if (standardName == null) {
                    return Optional.empty();
                }
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec(standardName));
                ECParameterSpec curveSpec = parameters.getParameterSpec(ECParameterSpec.class);
                ECPublicKeySpec spec = new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), curveSpec);
                return Optional.of(new Key(kid, type, curve, KeyFactory.getInstance("EC").generatePublic(spec)));
            }
        } catch (GeneralSecurityException | IllegalArgumentException unusable) {
            // a key this server cannot use (a malformed one, a point not on the curve): as if absent
        }
        return Optional.empty();
    }

    private static BigInteger unsigned(JsonNode jwk, String field) {
        String text = jwk.path(field).asText("");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("no " + field);
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(text));
    }
}
