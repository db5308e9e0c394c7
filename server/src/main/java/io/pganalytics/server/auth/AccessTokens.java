package io.pganalytics.server.auth;

import io.helidon.common.Errors;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.pganalytics.common.auth.Role;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Issues and verifies access tokens: JWTs signed ES256 with the active {@link SigningKeys} key, carrying
 * {@code sub} (user id), {@code name}, {@code roles}, {@code sid} (the session), {@code jti}, {@code iat},
 * {@code exp}, {@code iss} and {@code aud}, and {@code mfa_time} (when the session last proved a second factor, in
 * seconds since the epoch, as OIDC's {@code auth_time}) once it has. Verification also refuses a token whose session was revoked on any node.
 */
final class AccessTokens {
    /** Allowed difference between the clocks of the node that issued a token and the node that checks it. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_LENGTH = 8192;
    static final String SECOND_FACTOR_CLAIM = "mfa_time";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final RevokedSessions revoked;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration ttl;
    private final String issuer;
    private final String audience;

    AccessTokens(SigningKeys keys, RevokedSessions revoked, Clock clock, SecureRandom random, AuthConfig config) {
        this.keys = keys;
        this.revoked = revoked;
        this.clock = clock;
        this.random = random;
        this.ttl = config.accessTokenTtl();
        this.issuer = config.issuer();
        this.audience = config.audience();
    }

    record Issued(String token, Instant expiresAt) {
    }

    Issued issue(long userId, String username, Set<Role> roles, String sessionId) {
        return issue(userId, username, roles, sessionId, null);
    }

    Issued issue(long userId, String username, Set<Role> roles, String sessionId, Instant secondFactorAt) {
        // JWT times are whole seconds: the response's expiry is the token's own.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant expires = now.plus(ttl);
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        SigningKeys.SigningKey key = keys.signer();
        Jwt.Builder builder = Jwt.builder()
                .algorithm(SigningKeys.ALGORITHM)
                .keyId(key.kid())
                .type("JWT")
                .subject(Long.toString(userId))
                .addPayloadClaim("name", username)
                .addPayloadClaim("roles", roles.stream().map(Role::wireName).toList())
                .addPayloadClaim("sid", sessionId)
                .jwtId(B64URL.encodeToString(jti))
                .issuer(issuer)
                .addAudience(audience)
                .issueTime(now)
                .expirationTime(expires);
        if (secondFactorAt != null) {
            builder.addPayloadClaim(SECOND_FACTOR_CLAIM, secondFactorAt.getEpochSecond());
        }
        Jwt jwt = builder.build();
        return new Issued(SignedJwt.sign(jwt, key.jwk()).tokenContent(), expires);
    }

    /**
     * The caller an access token stands for.
     *
     * @throws ApiException unauthenticated when the token is malformed, not ours, expired or its session revoked
     */
    Caller verify(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw ApiException.unauthenticated("the access token is malformed");
        }
        SignedJwt signed;
        try {
            signed = SignedJwt.parseToken(token);
        } catch (RuntimeException e) {
            throw ApiException.unauthenticated("the access token is malformed");
        }
        Jwt jwt = signed.getJwt();
        if (!jwt.algorithm().map(SigningKeys.ALGORITHM::equals).orElse(false)) {
            throw ApiException.unauthenticated("the access token is not signed with " + SigningKeys.ALGORITHM);
        }
        Jwk key = jwt.keyId().flatMap(keys::verifier)
                .orElseThrow(() -> ApiException.unauthenticated("the access token is signed by an unknown key: sign in again"));
        Errors errors;
        try {
            errors = signed.verifySignature(JwkKeys.builder().addKey(key).build());
        } catch (RuntimeException e) {
            throw ApiException.unauthenticated("the access token's signature is invalid");
        }
        if (!errors.isValid()) {
            throw ApiException.unauthenticated("the access token's signature is invalid");
        }
        Instant now = clock.instant();
        Instant expires = jwt.expirationTime().orElseThrow(() -> ApiException.unauthenticated("the access token has no expiry"));
        if (!now.isBefore(expires.plus(CLOCK_SKEW))) {
            throw ApiException.unauthenticated("the access token has expired: refresh it or sign in again");
        }
        if (jwt.issueTime().map(issued -> issued.isAfter(now.plus(CLOCK_SKEW))).orElse(true)) {
            throw ApiException.unauthenticated("the access token is not valid yet");
        }
        if (!jwt.issuer().map(issuer::equals).orElse(false)
                || !jwt.audience().map(list -> list.contains(audience)).orElse(false)) {
            throw ApiException.unauthenticated("the access token was not issued for this API");
        }
        String sessionId = stringClaim(jwt, "sid");
        String subject = jwt.subject().orElse("");
        if (sessionId.isEmpty() || !subject.matches("\\d{1,19}")) {
            throw ApiException.unauthenticated("the access token is malformed");
        }
        if (revoked.isRevoked(sessionId)) {
            throw ApiException.unauthenticated("the session has ended: sign in again");
        }
        return new Caller(Caller.Kind.USER, subject, stringClaim(jwt, "name"), roles(jwt), sessionId, expires,
                secondFactorAt(jwt));
    }

    private static String stringClaim(Jwt jwt, String name) {
        Optional<JsonValue> value = jwt.payloadClaim(name);
        return value.filter(v -> v instanceof JsonString).map(v -> ((JsonString) v).getString()).orElse("");
    }

    private static Instant secondFactorAt(Jwt jwt) {
        return jwt.payloadClaim(SECOND_FACTOR_CLAIM)
                .filter(v -> v instanceof JsonNumber number && number.isIntegral())
                .map(v -> Instant.ofEpochSecond(((JsonNumber) v).longValue()))
                .orElse(null);
    }

    private static Set<Role> roles(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        jwt.payloadClaim("roles").filter(v -> v.getValueType() == JsonValue.ValueType.ARRAY).ifPresent(array -> {
            List<String> names = array.asJsonArray().stream()
                    .filter(v -> v instanceof JsonString).map(v -> ((JsonString) v).getString()).toList();
            roles.addAll(RoleNames.fromStored(names));
        });
        return roles;
    }
}
