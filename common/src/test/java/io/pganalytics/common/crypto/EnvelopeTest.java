package io.pganalytics.common.crypto;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeTest {
    private final SecureRandom random = new SecureRandom();
    private final SecretKey key = Envelope.newDataKey(random);
    private final SealContext row7 = SealContext.record("auth_mfa_totp", "secret", "7");
    private final byte[] plaintext = "JBSWY3DPEHPK3PXP".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSealedValueOpensInItsOwnContextAndNamesItsKey() {
        byte[] sealed = Envelope.seal(42, key, row7, plaintext, random);

        assertTrue(Envelope.isSealed(sealed));
        assertEquals(42, Envelope.keyId(sealed, row7));
        assertEquals(plaintext.length + Envelope.OVERHEAD, sealed.length);
        assertArrayEquals(plaintext, Envelope.open(key, row7, sealed));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("JBSWY3DP"), "no plaintext in the sealed bytes");
    }

    @Test
    void aFlippedByteAnywhereIsRefusedAsTampered() {
        byte[] sealed = Envelope.seal(1, key, row7, plaintext, random);
        for (int i = 4; i < sealed.length; i++) {
            byte[] damaged = sealed.clone();
            damaged[i] ^= 0x01;
            CryptoException e = assertThrows(CryptoException.class, () -> Envelope.open(key, row7, damaged), "byte " + i);
            assertEquals(CryptoException.Reason.TAMPERED, e.reason(), "byte " + i);
            assertTrue(e.getMessage().contains("auth_mfa_totp.secret of row 7"), e.getMessage());
        }
    }

    @Test
    void aValueMovedToAnotherRowOrColumnIsRefused() {
        byte[] sealed = Envelope.seal(1, key, row7, plaintext, random);

        assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                () -> Envelope.open(key, SealContext.record("auth_mfa_totp", "secret", "8"), sealed)).reason());
        assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                () -> Envelope.open(key, SealContext.record("auth_mfa_totp", "other", "7"), sealed)).reason());
    }

    @Test
    void anotherKeyDoesNotOpenIt() {
        byte[] sealed = Envelope.seal(1, key, row7, plaintext, random);

        assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                () -> Envelope.open(Envelope.newDataKey(random), row7, sealed)).reason());
    }

    @Test
    void plaintextAndUnknownFormatsAreMalformedNotGarbage() {
        assertEquals(CryptoException.Reason.MALFORMED, assertThrows(CryptoException.class,
                () -> Envelope.open(key, row7, "a plain secret, not sealed at all".getBytes(StandardCharsets.UTF_8))).reason());
        byte[] future = Envelope.seal(1, key, row7, plaintext, random);
        future[3] = 9;
        CryptoException e = assertThrows(CryptoException.class, () -> Envelope.open(key, row7, future));
        assertEquals(CryptoException.Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("format 9"), e.getMessage());
    }

    @Test
    void contextsWithTheSamePartsInOtherPlacesDiffer() {
        assertFalse(java.util.Arrays.equals(SealContext.record("a|b", "c", "d").associatedData(),
                SealContext.record("a", "b|c", "d").associatedData()));
    }

    @Test
    void theCipherCanComeFromANamedProviderAndTheFormatStaysTheSame() {
        Provider sunJce = Security.getProvider("SunJCE");
        byte[] named = Envelope.seal(3, key, row7, plaintext, random, sunJce);
        byte[] chosen = Envelope.seal(3, key, row7, plaintext, random);

        assertArrayEquals(plaintext, Envelope.open(key, row7, named));
        assertArrayEquals(plaintext, Envelope.open(key, row7, chosen, sunJce));
        byte[] flipped = named.clone();
        flipped[named.length - 1] ^= 1;
        CryptoException e = assertThrows(CryptoException.class, () -> Envelope.open(key, row7, flipped, sunJce));
        assertEquals(CryptoException.Reason.TAMPERED, e.reason());
    }
}
