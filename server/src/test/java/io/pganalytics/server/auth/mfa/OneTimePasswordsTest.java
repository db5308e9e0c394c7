package io.pganalytics.server.auth.mfa;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RFCs' own published test vectors. */
class OneTimePasswordsTest {
    private static final byte[] SEED_SHA1 = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED_SHA256 = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEED_SHA512 = ("1234567890".repeat(6) + "1234").getBytes(StandardCharsets.US_ASCII);

    @Test
    void hotpMatchesTheRfc4226AppendixDVectors() {
        List<String> expected = List.of("755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
                "399871", "520489");
        for (int counter = 0; counter < expected.size(); counter++) {
            assertEquals(expected.get(counter), OneTimePasswords.hotp(SEED_SHA1, counter, 6, OneTimePasswords.HMAC_SHA1),
                    "counter " + counter);
        }
    }

    @Test
    void totpMatchesTheRfc6238AppendixBVectors() {
        long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
        String[] sha1 = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
        String[] sha256 = {"46119246", "68084774", "67062674", "91819424", "90698825", "77737706"};
        String[] sha512 = {"90693936", "25091201", "99943326", "93441116", "38618901", "47863826"};
        for (int i = 0; i < times.length; i++) {
            long step = OneTimePasswords.step(times[i] * 1000, 30);
            assertEquals(sha1[i], OneTimePasswords.totp(SEED_SHA1, step, 8, OneTimePasswords.HMAC_SHA1), "SHA1 at " + times[i]);
            assertEquals(sha256[i], OneTimePasswords.totp(SEED_SHA256, step, 8, OneTimePasswords.HMAC_SHA256), "SHA256 at " + times[i]);
            assertEquals(sha512[i], OneTimePasswords.totp(SEED_SHA512, step, 8, OneTimePasswords.HMAC_SHA512), "SHA512 at " + times[i]);
        }
    }

    @Test
    void base32FollowsRfc4648AndRoundTrips() {
        assertEquals("MZXW6YTBOI", OneTimePasswords.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("MZXW6", OneTimePasswords.base32("foo".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), OneTimePasswords.fromBase32("mzxw 6ytb oi======").orElseThrow());
        assertArrayEquals(SEED_SHA1, OneTimePasswords.fromBase32(OneTimePasswords.base32(SEED_SHA1)).orElseThrow());
        assertTrue(OneTimePasswords.fromBase32("MZXW1").isEmpty(), "1 is not base32");
        assertArrayEquals(SEED_SHA1, OneTimePasswords.fromHex("3132333435363738393031323334353637383930").orElseThrow());
        assertTrue(OneTimePasswords.fromHex("31g").isEmpty());
    }

    @Test
    void aCodeMustBeExactlyItsDigits() {
        assertEquals("123456", OneTimePasswords.normalizeCode("123 456", 6).orElseThrow());
        assertTrue(OneTimePasswords.normalizeCode("12345", 6).isEmpty());
        assertTrue(OneTimePasswords.normalizeCode("12345a", 6).isEmpty());
        assertTrue(OneTimePasswords.normalizeCode(null, 6).isEmpty());
        assertTrue(OneTimePasswords.normalizeCode("１２３４５６", 6).isEmpty(), "only ASCII digits");
    }
}
