package io.pganalytics.server.collectors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The shapes of the two secrets this feature hands out, and their hashes. Both carry 256 random bits, so a fast
 * hash (SHA-256) is all that storing them needs: there is nothing to guess that a slow hash would protect.
 * <ul>
 *   <li>a registration token: {@code pgart_<43 base64url characters>}, used once;</li>
 *   <li>a collector credential: {@code pgac_<collector id>_<43 base64url characters>}, whose id lets the server
 *       find the hash to compare without a lookup by secret.</li>
 * </ul>
 * The prefixes make a leaked secret easy to recognise (secret scanners) and let each authenticator refuse the
 * other kind at once.
 */
final class Secrets {
    static final String TOKEN_PREFIX = "pgart_";
    static final String CREDENTIAL_PREFIX = "pgac_";
    private static final int SECRET_BYTES = 32;
    private static final String SECRET = "[A-Za-z0-9_-]{43}";
    private static final Pattern TOKEN = Pattern.compile(TOKEN_PREFIX + SECRET);
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** A credential is the prefix, a 36-character id, an underscore and the secret; anything longer is refused unread. */
    static final int CREDENTIAL_LENGTH = CREDENTIAL_PREFIX.length() + 36 + 1 + 43;
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;

    Secrets(SecureRandom random) {
        this.random = random;
    }

    String newToken() {
        return TOKEN_PREFIX + secret();
    }

    String newCredential(UUID collectorId) {
        return CREDENTIAL_PREFIX + collectorId + "_" + secret();
    }

    private String secret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return B64URL.encodeToString(bytes);
    }

    static boolean isWellFormedToken(String token) {
        return token != null && token.length() == TOKEN_PREFIX.length() + 43 && TOKEN.matcher(token).matches();
    }

    /** A collector id as it appears in paths and credentials: a lower-case UUID. */
    static boolean isCollectorId(String text) {
        return text != null && text.length() == 36 && UUID_TEXT.matcher(text).matches();
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
