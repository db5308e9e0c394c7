package io.pganalytics.console.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One sign-in's PKCE pair (RFC 7636, S256) and its state: the verifier stays in the console, the server sees only its
 * hash, so a code intercepted on the way to the loopback is worthless to anyone else.
 *
 * @param verifier  43 characters of base64url from 32 random bytes
 * @param challenge base64url(SHA-256(verifier))
 * @param state     32 random bytes, base64url: the loopback accepts only the callback that carries it
 */
record Pkce(String verifier, String challenge, String state) {
    private static final SecureRandom RANDOM = new SecureRandom();

    static Pkce create() {
        String verifier = random();
        return new Pkce(verifier, challengeOf(verifier), random());
    }

    static String challengeOf(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "Pkce[***]";
    }
}
