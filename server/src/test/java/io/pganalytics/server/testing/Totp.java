package io.pganalytics.server.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Locale;

/** An authenticator app, for tests outside the MFA package: RFC 6238 with HMAC-SHA1, 30 s steps, 6 digits. */
public final class Totp {
    private Totp() {
    }

    /** The code shown {@code offset} steps from {@code now} for the base32 {@code secret}. */
    public static String code(String secret, Instant now, int offset) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(base32(secret), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(now.getEpochSecond() / 30 + offset).array());
            int at = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[at] & 0x7f) << 24) | ((hash[at + 1] & 0xff) << 16) | ((hash[at + 2] & 0xff) << 8) | (hash[at + 3] & 0xff);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Enrols an authenticator app for the person signed in with {@code token} (confirmed with the code of {@code now}'s
     * step); returns its base32 secret.
     */
    public static String enrol(ApiClient api, String token, Instant now) {
        ApiClient.Response started = api.post("/auth/mfa/totp", token, "{}");
        if (started.status() != 200) {
            throw new AssertionError("starting a TOTP enrolment: " + started.status() + " " + started.body());
        }
        String secret = started.json().get("secret").asText();
        ApiClient.Response confirmed = api.post("/auth/mfa/totp/confirm", token, "{\"enrolmentId\":\""
                + started.json().get("enrolmentId").asText() + "\",\"code\":\"" + code(secret, now, 0) + "\"}");
        if (confirmed.status() != 200) {
            throw new AssertionError("confirming a TOTP enrolment: " + confirmed.status() + " " + confirmed.body());
        }
        return secret;
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.replace("=", "").toUpperCase(Locale.ROOT).toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
