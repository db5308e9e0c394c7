package io.pganalytics.server.auth.mfa;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) with the JDK's {@link Mac}, plus the base32 (RFC 4648) that authenticator apps
 * read secrets in. TOTP here is HOTP of the 30-second step number; SHA-1 is what every authenticator app supports.
 */
final class OneTimePasswords {
    static final String HMAC_SHA1 = "HmacSHA1";
    static final String HMAC_SHA256 = "HmacSHA256";
    static final String HMAC_SHA512 = "HmacSHA512";
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private OneTimePasswords() {
    }

    /** RFC 4226 section 5.3: HMAC of the 8-byte big-endian counter, dynamically truncated to {@code digits} digits. */
    static String hotp(byte[] secret, long counter, int digits, String algorithm) {
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("digits must be 6 to 8, not " + digits);
        }
        byte[] message = new byte[8];
        for (int i = 7; i >= 0; i--) {
            message[i] = (byte) (counter & 0xff);
            counter >>>= 8;
        }
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            hash = mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        String code = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - code.length()) + code;
    }

    /** RFC 6238: the step number of an instant (time since the epoch in whole {@code periodSeconds}). */
    static long step(long epochMillis, int periodSeconds) {
        return Math.floorDiv(epochMillis, periodSeconds * 1000L);
    }

    static String totp(byte[] secret, long step, int digits, String algorithm) {
        return hotp(secret, step, digits, algorithm);
    }

    /** Compares two codes in time that does not depend on where they differ. */
    static boolean same(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }

    /** A code as a person types it: digits, perhaps with spaces; empty when it is not {@code digits} digits. */
    static Optional<String> normalizeCode(String code, int digits) {
        if (code == null || code.length() > 32) {
            return Optional.empty();
        }
        String compact = code.replace(" ", "");
        return compact.length() == digits && compact.chars().allMatch(c -> c >= '0' && c <= '9')
                ? Optional.of(compact) : Optional.empty();
    }

    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /** Base32 without padding, case and spaces ignored; empty when it is not base32. */
    static Optional<byte[]> fromBase32(String text) {
        String clean = text.replace(" ", "").replace("=", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[clean.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int index = 0;
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            int value = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            if (value < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out[index++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        return Optional.of(out);
    }

    /** Hexadecimal, case and spaces ignored; empty when it is not hex. */
    static Optional<byte[]> fromHex(String text) {
        String clean = text.replace(" ", "");
        if (clean.length() % 2 != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().parseHex(clean));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
