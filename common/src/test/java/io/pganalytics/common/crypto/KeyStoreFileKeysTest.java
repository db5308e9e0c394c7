package io.pganalytics.common.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyStoreFileKeysTest {
    private final SecureRandom random = new SecureRandom();
    private final char[] passphrase = "correct horse battery staple".toCharArray();
    private final SealContext dataKey9 = SealContext.dataKey("server", "9");

    @Test
    void createdOwnerOnlyAndKeysSurviveAReopen(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys").resolve("kek.p12");
        byte[] dek = Envelope.newDataKey(random).getEncoded();
        byte[] wrapped;
        try (KeyStoreFileKeys keys = KeyStoreFileKeys.open(file, passphrase, true, random)) {
            assertTrue(keys.versions().isEmpty());
            assertEquals(1, keys.createVersion());
            wrapped = keys.wrap(1, dek, dataKey9);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));

        try (KeyStoreFileKeys reopened = KeyStoreFileKeys.open(file, passphrase, false, random)) {
            assertEquals(List.of(1), List.copyOf(reopened.versions()));
            assertArrayEquals(dek, reopened.unwrap(1, wrapped, dataKey9));
            assertEquals(CryptoException.Reason.REFUSED, assertThrows(CryptoException.class, reopened::createVersion).reason());
        }
    }

    @Test
    void aWrongPassphraseSaysSo(@TempDir Path dir) {
        Path file = dir.resolve("kek.p12");
        try (KeyStoreFileKeys keys = KeyStoreFileKeys.open(file, passphrase, true, random)) {
            keys.createVersion();
        }
        CryptoException e = assertThrows(CryptoException.class,
                () -> KeyStoreFileKeys.open(file, "not the passphrase".toCharArray(), true, random));
        assertEquals(CryptoException.Reason.WRONG_PASSPHRASE, e.reason());
        assertTrue(e.getMessage().contains("passphrase"), e.getMessage());
    }

    @Test
    void versionsAreIndependentAndADestroyedOneIsGone(@TempDir Path dir) {
        try (KeyStoreFileKeys keys = KeyStoreFileKeys.open(dir.resolve("kek.p12"), passphrase, true, random)) {
            keys.createVersion();
            keys.createVersion();
            byte[] dek = Envelope.newDataKey(random).getEncoded();
            byte[] underOne = keys.wrap(1, dek, dataKey9);
            byte[] underTwo = keys.wrap(2, dek, dataKey9);

            assertArrayEquals(dek, keys.unwrap(2, underTwo, dataKey9));
            assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class, () -> keys.unwrap(2, underOne, dataKey9)).reason());
            assertEquals(CryptoException.Reason.TAMPERED, assertThrows(CryptoException.class,
                    () -> keys.unwrap(1, underOne, SealContext.dataKey("server", "10"))).reason());

            keys.destroyVersion(1);
            assertEquals(List.of(2), List.copyOf(keys.versions()));
            assertEquals(CryptoException.Reason.UNKNOWN_KEY, assertThrows(CryptoException.class, () -> keys.unwrap(1, underOne, dataKey9)).reason());
            assertFalse(keys.versions().contains(1));
        }
    }

    @Test
    void aMissingReadOnlyStoreIsUnavailable(@TempDir Path dir) {
        assertEquals(CryptoException.Reason.KEY_UNAVAILABLE, assertThrows(CryptoException.class,
                () -> KeyStoreFileKeys.open(dir.resolve("absent.p12"), passphrase, false, random)).reason());
    }
}
