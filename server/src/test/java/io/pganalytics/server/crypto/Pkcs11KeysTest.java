package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.Pkcs11Keys;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.testing.SoftHsm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PKCS#11 key-encryption keys (common's {@code Pkcs11Keys}) against a real SoftHSM2 token; tested here, where the
 * token fixture lives. Each test keeps to key labels of its own on the shared token.
 */
class Pkcs11KeysTest {
    private static final SealContext DATA_KEY_7 = SealContext.dataKey("server", "7");
    private final SecureRandom random = new SecureRandom();
    private final byte[] dataKey = Envelope.newDataKey(random).getEncoded();
    private final String prefix = "t-" + UUID.randomUUID().toString().substring(0, 8);

    private Pkcs11Keys open(SoftHsm.Token token, String pin) {
        return Pkcs11Keys.open(Pkcs11Keys.Token.labelled(Path.of(SoftHsm.library()), token.label()), pin.toCharArray(), prefix, random);
    }

    @Test
    void versionsAreCreatedInTheTokenAsSensitiveNonExtractableTokenObjects() throws Exception {
        try (Pkcs11Keys keys = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            assertTrue(keys.versions().isEmpty());
            assertEquals(1, keys.createVersion());
            assertEquals(2, keys.createVersion());
            assertEquals(Set.of(1, 2), keys.versions());
            assertEquals("pkcs11", keys.kind());
            assertTrue(keys.location().contains(SoftHsm.TOKEN.label()) && keys.location().contains(prefix), keys.location());

            // a second look at the token, through a provider of its own: the object is there, and its bytes are not
            Key key = lookUp(prefix + "-v1");
            assertNull(key.getEncoded(), "the key's value cannot be read out of the token");
            assertTrue(key.toString().contains("token object") && key.toString().contains("sensitive")
                    && key.toString().contains("unextractable"), key.toString());
        }
    }

    /** The key labelled {@code label} in the shared token, found by trying each slot with its PIN. */
    private static Key lookUp(String label) throws Exception {
        for (int index = 0; index < 3; index++) {
            KeyStore store;
            try {
                Provider look = Security.getProvider("SunPKCS11").configure("--name = look\nlibrary = " + SoftHsm.library()
                        + "\nslotListIndex = " + index + "\n");
                store = KeyStore.getInstance("PKCS11", look);
                store.load(null, SoftHsm.TOKEN.pin().toCharArray());
            } catch (Exception notThisSlot) {
                continue;
            }
            Key key = store.getKey(label, null);
            if (key != null) {
                return key;
            }
        }
        throw new AssertionError("no slot holds " + label);
    }

    @Test
    void aWrappedDataKeyUnwrapsOnlyUnderItsVersionAndContext() {
        try (Pkcs11Keys keys = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            int v1 = keys.createVersion();
            int v2 = keys.createVersion();
            byte[] wrapped = keys.wrap(v1, dataKey, DATA_KEY_7);

            assertEquals(v1, Envelope.keyId(wrapped, DATA_KEY_7), "the wrapped key names its version");
            assertArrayEquals(dataKey, keys.unwrap(v1, wrapped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                    () -> keys.unwrap(v1, wrapped, SealContext.dataKey("server", "8"))).reason(), "bound to the data key's id");
            byte[] flipped = wrapped.clone();
            flipped[flipped.length - 5] ^= 0x10;
            assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                    () -> keys.unwrap(v1, flipped, DATA_KEY_7)).reason(), "a flipped byte is refused");
            assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                    () -> keys.unwrap(v2, wrapped, DATA_KEY_7)).reason(), "another version's name in the header is refused");
            assertEquals(CryptoException.Reason.UNKNOWN_KEY, assertThrows(CryptoException.class,
                    () -> keys.wrap(9, dataKey, DATA_KEY_7)).reason());
        }
    }

    @Test
    void versionsSurviveClosingAndReopeningTheToken() {
        byte[] wrapped;
        try (Pkcs11Keys keys = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            keys.createVersion();
            wrapped = keys.wrap(keys.createVersion(), dataKey, DATA_KEY_7);
        }
        try (Pkcs11Keys keys = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            assertEquals(Set.of(1, 2), keys.versions());
            assertArrayEquals(dataKey, keys.unwrap(2, wrapped, DATA_KEY_7));
        }
    }

    @Test
    void aVersionAnotherInstanceCreatesIsSeenAndADestroyedOneIsGone() {
        try (Pkcs11Keys first = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin());
             Pkcs11Keys second = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            assertEquals(1, first.createVersion());
            byte[] wrapped = first.wrap(1, dataKey, DATA_KEY_7);
            assertArrayEquals(dataKey, second.unwrap(1, wrapped, DATA_KEY_7), "found by rereading the token");
            assertEquals(2, second.createVersion());

            first.destroyVersion(1);
            assertEquals(Set.of(2), second.versions());
            CryptoException gone = assertThrows(CryptoException.class, () -> second.unwrap(1, wrapped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.UNKNOWN_KEY, gone.reason());
            assertEquals(CryptoException.Reason.UNKNOWN_KEY, assertThrows(CryptoException.class, () -> first.destroyVersion(1)).reason());
        }
        try (Pkcs11Keys reopened = open(SoftHsm.TOKEN, SoftHsm.TOKEN.pin())) {
            assertEquals(Set.of(2), reopened.versions(), "destroyed in the token, not just forgotten");
        }
    }

    @Test
    void aWrongPinIsRefusedSayingThePinIsWrong() {
        CryptoException e = assertThrows(CryptoException.class, () -> open(SoftHsm.NEVER_LOGGED_IN, "not-the-pin-1234"));
        assertEquals(CryptoException.Reason.WRONG_PASSPHRASE, e.reason());
        assertTrue(e.getMessage().contains("PIN") && e.getMessage().contains(SoftHsm.NEVER_LOGGED_IN.label()), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-pin-1234"), "the PIN is never in a message");
    }

    @Test
    void aMissingTokenOrLibraryIsUnavailableNamingIt() {
        SoftHsm.library();
        CryptoException token = assertThrows(CryptoException.class, () -> Pkcs11Keys.open(
                Pkcs11Keys.Token.labelled(Path.of(SoftHsm.LIBRARY), "no-such-token"), "1234".toCharArray(), prefix, random));
        assertEquals(CryptoException.Reason.KEY_UNAVAILABLE, token.reason());
        assertTrue(token.getMessage().contains("no token labelled 'no-such-token'") && token.getMessage().contains(SoftHsm.TOKEN.label()),
                token.getMessage());

        Path missing = Path.of("/usr/lib/no-such-dir/libpkcs11-missing.so");
        CryptoException library = assertThrows(CryptoException.class, () -> Pkcs11Keys.open(
                Pkcs11Keys.Token.labelled(missing, SoftHsm.TOKEN.label()), "1234".toCharArray(), prefix, random));
        assertEquals(CryptoException.Reason.KEY_UNAVAILABLE, library.reason());
        assertTrue(library.getMessage().contains(missing.toString()), library.getMessage());

        CryptoException slot = assertThrows(CryptoException.class, () -> Pkcs11Keys.open(
                Pkcs11Keys.Token.inSlot(Path.of(SoftHsm.LIBRARY), 987_654_321L), "1234".toCharArray(), prefix, random));
        assertEquals(CryptoException.Reason.KEY_UNAVAILABLE, slot.reason());
        assertTrue(slot.getMessage().contains("987654321"), slot.getMessage());
    }
}
