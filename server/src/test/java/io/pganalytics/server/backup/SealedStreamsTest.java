package io.pganalytics.server.backup;

import io.pganalytics.common.crypto.KeyStoreFileKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealedStreamsTest {
    @TempDir
    Path dir;
    private KeyStoreFileKeys kek;
    private SealedStreams sealing;

    @BeforeEach
    void keys() {
        kek = KeyStoreFileKeys.open(dir.resolve("kek.p12"), "a passphrase for tests".toCharArray(), true, new SecureRandom());
        int version = kek.createVersion();
        sealing = new SealedStreams(kek, () -> version, new SecureRandom());
    }

    @AfterEach
    void close() {
        kek.close();
    }

    @Test
    void contentSpanningSeveralChunksComesBackWhole() throws IOException {
        byte[] content = new byte[3 * SealedStreams.CHUNK + 12345];
        new Random(7).nextBytes(content);  // incompressible: several sealed chunks
        byte[] stored = seal("wal/000000010000000000000003.pgab", content);

        assertArrayEquals(content, open("wal/000000010000000000000003.pgab", stored));
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains(new String(content, 0, 64,
                java.nio.charset.StandardCharsets.ISO_8859_1)), "the content is not stored in the clear");
    }

    @Test
    void figuresDescribeWhatWasStored() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SealedStreams.Sealing sealed = sealing.seal(out, "backups/b1/base.tar.pgab");
        byte[] zeros = new byte[5_000_000];
        sealed.write(zeros);
        sealed.close();

        assertEquals(zeros.length, sealed.plainBytes());
        assertEquals(out.size(), sealed.storedBytes());
        assertTrue(sealed.storedBytes() < 100_000, "zeros compress before they are sealed: " + sealed.storedBytes());
        assertEquals(java.util.HexFormat.of().formatHex(SealedStreams.sha256Digest().digest(out.toByteArray())), sealed.sha256());
        assertTrue(sealed.keyVersion().matches("kek keystore v\\d+"), sealed.keyVersion());
    }

    @Test
    void anAlteredByteIsNamedNotReturned() throws IOException {
        byte[] content = new byte[2 * SealedStreams.CHUNK];
        new Random(1).nextBytes(content);
        byte[] stored = seal("wal/x.pgab", content);
        stored[stored.length - 100] ^= 1;

        BackupException e = assertThrows(BackupException.class, () -> open("wal/x.pgab", stored));
        assertTrue(e.getMessage().contains("wal/x.pgab") && e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void aStreamCutShortIsTruncatedNotShorter() throws IOException {
        byte[] content = new byte[2 * SealedStreams.CHUNK];
        new Random(2).nextBytes(content);
        byte[] stored = seal("wal/y.pgab", content);
        byte[] cut = Arrays.copyOf(stored, stored.length - SealedStreams.CHUNK / 2);

        BackupException e = assertThrows(BackupException.class, () -> open("wal/y.pgab", cut));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void anObjectRenamedToAnotherNameDoesNotOpen() throws IOException {
        byte[] stored = seal("wal/a.pgab", "content".getBytes());

        BackupException e = assertThrows(BackupException.class, () -> open("wal/b.pgab", stored));
        assertTrue(e.getMessage().contains("wal/a.pgab"), e.getMessage());
    }

    @Test
    void aFileStoreWriteThatFailsLeavesNothing() throws IOException {
        FileStore store = new FileStore(dir.resolve("repo"));
        assertThrows(IOException.class, () -> store.write("backups/b1/base.tar.pgab", out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        assertTrue(store.list("").isEmpty(), "a failed write leaves no object and no temporary file: " + store.list(""));
        try (var files = Files.walk(dir.resolve("repo"))) {
            assertTrue(files.filter(Files::isRegularFile).findAny().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> store.write("../escape", out -> { }));
    }

    private byte[] seal(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SealedStreams.Sealing sealed = sealing.seal(out, name)) {
            sealed.write(content);
        }
        return out.toByteArray();
    }

    private byte[] open(String name, byte[] stored) throws IOException {
        try (InputStream in = sealing.open(new ByteArrayInputStream(stored), name)) {
            return in.readAllBytes();
        }
    }
}
