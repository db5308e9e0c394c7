package io.pganalytics.server.backup.restore;

import io.pganalytics.server.backup.BackupException;
import io.pganalytics.server.backup.BackupManifest;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.Progress;
import io.pganalytics.server.backup.SealedStreams;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads sealed objects of a repository for a restore: decrypts and authenticates every chunk, hashes the stored bytes
 * and compares them with the signed manifest's SHA-256 where it names one, and reports the stored bytes read.
 */
public final class StoredObjectReader {
    /** Consumes an object's plain content. */
    @FunctionalInterface
    public interface Consumer {
        void accept(InputStream plain) throws IOException;
    }

    private final BackupStore store;
    private final SealedStreams sealing;
    private final Progress progress;
    private final long total;
    private long done;

    public StoredObjectReader(BackupStore store, SealedStreams sealing, Progress progress, long total) {
        this.store = store;
        this.sealing = sealing;
        this.progress = progress;
        this.total = total;
    }

    /** Stored bytes read so far. */
    public long done() {
        return done;
    }

    /**
     * Opens {@code object}, hands its plain content to {@code consumer}, reads what the consumer left (so every chunk is
     * authenticated), then checks the stored bytes against {@code expected} when given.
     *
     * @throws BackupException naming the object: missing, not authenticating, or not matching the manifest
     */
    public void read(String object, BackupManifest.StoredFile expected, Consumer consumer) throws IOException {
        MessageDigest digest = sha256();
        long before = done;
        try (InputStream stored = new Hashing(store.read(object), digest);
             InputStream plain = sealing.open(stored, object)) {
            consumer.accept(plain);
            plain.transferTo(OutputStream.nullOutputStream());
        } catch (NoSuchFileException e) {
            throw new BackupException(object + " is missing in the backup repository " + store.location(), e);
        } catch (java.util.zip.ZipException e) {
            throw new BackupException(object + " is corrupted: its content does not decompress (" + e.getMessage() + ")", e);
        }
        if (expected != null) {
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(expected.sha256()) || done - before != expected.storedBytes()) {
                throw new BackupException(object + " does not match its manifest: SHA-256 " + actual + " of " + (done - before)
                        + " stored bytes, the signed manifest says " + expected.sha256() + " of " + expected.storedBytes() + " (corrupted)");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hashes and counts the stored bytes as they are read, reporting progress at most every 8 MiB. */
    private final class Hashing extends FilterInputStream {
        private final MessageDigest digest;
        private long reported;

        Hashing(InputStream in, MessageDigest digest) {
            super(in);
            this.digest = digest;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                digest.update((byte) b);
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
                counted(n);
            }
            return n;
        }

        private void counted(long n) {
            done += n;
            if (done - reported >= 8L << 20) {
                reported = done;
                progress.bytes(done, total);
            }
        }
    }
}
