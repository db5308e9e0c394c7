package io.pganalytics.server.backup;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.common.crypto.SealContext;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.IntSupplier;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The encrypted format of every object in a backup repository (docs/backup/format.md): compressed, then cut into
 * chunks of at most 1 MiB, each sealed with AES-256-GCM under a data key made for that one object. The data key is
 * wrapped by the key-encryption key (the same provider as the key service: key store file, HSM or KMS), bound to the
 * object's name, and kept in the object's header, so that a backup can be opened with the key-encryption key alone
 * after the database, and every data key in it, is lost.
 * <pre>
 * "PGAB" | format (1 byte) | header length (int) | header | chunk*
 * header: kek kind (UTF) | kek version (int) | wrapped data key (short length, bytes) | object name (UTF) | nonce prefix (4 bytes)
 * chunk:  length (int; the high bit marks the last chunk) | AES-GCM ciphertext and tag
 * </pre>
 * A chunk's nonce is the prefix and its index; its associated data is the object name, its index and whether it is the
 * last: a chunk altered, moved, reordered, dropped or a stream cut short fails to open, naming the object.
 */
public final class SealedStreams {
    static final byte[] MAGIC = "PGAB".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    static final int CHUNK = 1 << 20;
    private static final int LAST = 0x8000_0000;
    private static final int TAG_BITS = 128;
    private static final String KEY_SCOPE = "backup";

    private final KeyEncryptionKeys kek;
    private final IntSupplier currentKekVersion;
    private final SecureRandom random;

    /**
     * @param kek               the key-encryption keys
     * @param currentKekVersion the version new objects are sealed under (the key service's current one)
     */
    public SealedStreams(KeyEncryptionKeys kek, IntSupplier currentKekVersion, SecureRandom random) {
        this.kek = kek;
        this.currentKekVersion = currentKekVersion;
        this.random = random;
    }

    /** How the catalogue names the key of objects sealed now: {@code kek keystore v2}. */
    public String currentKeyVersion() {
        return keyVersion(kek.kind(), currentKekVersion.getAsInt());
    }

    public static String keyVersion(String kekKind, int kekVersion) {
        return "kek " + kekKind + " v" + kekVersion;
    }

    /**
     * A stream that compresses, seals and writes to {@code out} what is written to it, for the object {@code name}.
     * Closing it writes the last chunk; {@code out} is not closed.
     */
    public Sealing seal(OutputStream out, String name) throws IOException {
        int version = currentKekVersion.getAsInt();
        SecretKey key = Envelope.newDataKey(random);
        byte[] raw = key.getEncoded();
        byte[] wrapped;
        try {
            wrapped = kek.wrap(version, raw, SealContext.dataKey(KEY_SCOPE, name));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        byte[] prefix = new byte[4];
        random.nextBytes(prefix);
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        try (DataOutputStream header = new DataOutputStream(headerBytes)) {
            header.writeUTF(kek.kind());
            header.writeInt(version);
            header.writeShort(wrapped.length);
            header.write(wrapped);
            header.writeUTF(name);
            header.write(prefix);
        }
        Counting counted = new Counting(out);
        DataOutputStream start = new DataOutputStream(counted);
        start.write(MAGIC);
        start.writeByte(FORMAT);
        start.writeInt(headerBytes.size());
        start.write(headerBytes.toByteArray());
        start.flush();
        return new Sealing(counted, new ChunkSealer(counted, key, name, prefix), keyVersion(kek.kind(), version));
    }

    /**
     * A stream of the plain content of the sealed object {@code name} read from {@code in}.
     *
     * @throws BackupException when it is not a sealed object, is another object's, or names a key version the key
     *                         provider does not hold; later reads throw it when a chunk does not authenticate
     */
    public InputStream open(InputStream in, String name) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[4];
        try {
            data.readFully(magic);
            if (!Arrays.equals(magic, MAGIC) || data.readUnsignedByte() != FORMAT) {
                throw new BackupException(name + " is not a sealed backup object of a format this version reads");
            }
            int headerLength = data.readInt();
            if (headerLength < 0 || headerLength > 64 * 1024) {
                throw new BackupException(name + " has a damaged header");
            }
            byte[] headerBytes = new byte[headerLength];
            data.readFully(headerBytes);
            DataInputStream header = new DataInputStream(new java.io.ByteArrayInputStream(headerBytes));
            String kind = header.readUTF();
            int version = header.readInt();
            byte[] wrapped = new byte[header.readUnsignedShort()];
            header.readFully(wrapped);
            String storedName = header.readUTF();
            byte[] prefix = new byte[4];
            header.readFully(prefix);
            if (!storedName.equals(name)) {
                throw new BackupException(name + " holds the content of " + storedName + " (moved or renamed)");
            }
            if (!kind.equals(kek.kind())) {
                throw new BackupException(name + " is sealed under a " + kind + " key-encryption key; this server uses " + kek.kind());
            }
            byte[] raw;
            try {
                raw = kek.unwrap(version, wrapped, SealContext.dataKey(KEY_SCOPE, name));
            } catch (CryptoException e) {
                throw new BackupException(name + ": its data key does not unwrap with key-encryption key " + kind + " version " + version
                        + " (" + e.getMessage() + ")", e);
            }
            SecretKey key;
            try {
                key = Envelope.dataKey(raw);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            return new InflaterInputStream(new ChunkOpener(data, key, name, prefix), new java.util.zip.Inflater(), 64 * 1024);
        } catch (EOFException e) {
            throw new BackupException(name + " is cut short (its header is incomplete)", e);
        }
    }

    /** The stream {@link #seal} returns: its figures are final once it is closed. */
    public static final class Sealing extends FilterOutputStream {
        private final Counting stored;
        private final ChunkSealer chunks;
        private final String keyVersion;
        private final Deflater deflater;
        private long plainBytes;
        private String sha256;
        private boolean closed;

        private Sealing(Counting stored, ChunkSealer chunks, String keyVersion) {
            this(stored, chunks, keyVersion, new Deflater(Deflater.BEST_SPEED));
        }

        private Sealing(Counting stored, ChunkSealer chunks, String keyVersion, Deflater deflater) {
            super(new DeflaterOutputStream(chunks, deflater, 64 * 1024));
            this.deflater = deflater;
            this.stored = stored;
            this.chunks = chunks;
            this.keyVersion = keyVersion;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            plainBytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            plainBytes += len;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                ((DeflaterOutputStream) out).finish();
                chunks.finish();
            } finally {
                deflater.end();
            }
        }

        public long plainBytes() {
            return plainBytes;
        }

        public long storedBytes() {
            return stored.count;
        }

        /** SHA-256 of the stored bytes, hex: the manifest's checksum of this object. */
        public String sha256() {
            if (!closed) {
                throw new IllegalStateException("the checksum is known once the stream is closed");
            }
            if (sha256 == null) {
                sha256 = HexFormat.of().formatHex(stored.digest.digest());
            }
            return sha256;
        }

        public String keyVersion() {
            return keyVersion;
        }
    }

    /** Counts and hashes what passes to the underlying stream (which it does not close). */
    private static final class Counting extends FilterOutputStream {
        private final MessageDigest digest = sha256Digest();
        private long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    private static final class ChunkSealer extends OutputStream {
        private final DataOutputStream out;
        private final SecretKey key;
        private final byte[] name;
        private final byte[] prefix;
        private final byte[] buffer = new byte[CHUNK];
        private int filled;
        private long index;
        private boolean finished;

        ChunkSealer(OutputStream out, SecretKey key, String name, byte[] prefix) {
            this.out = new DataOutputStream(out);
            this.key = key;
            this.name = name.getBytes(StandardCharsets.UTF_8);
            this.prefix = prefix;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == CHUNK) {
                emit(false);
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == CHUNK) {
                    emit(false);
                }
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        void finish() throws IOException {
            if (!finished) {
                finished = true;
                emit(true);
                out.flush();
            }
        }

        private void emit(boolean last) throws IOException {
            byte[] sealed;
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(prefix, index)));
                cipher.updateAAD(associatedData(name, index, last));
                sealed = cipher.doFinal(buffer, 0, filled);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
            }
            out.writeInt(sealed.length | (last ? LAST : 0));
            out.write(sealed);
            index++;
            filled = 0;
        }
    }

    private static final class ChunkOpener extends InputStream {
        private final DataInputStream in;
        private final SecretKey key;
        private final String name;
        private final byte[] nameBytes;
        private final byte[] prefix;
        private byte[] chunk = new byte[0];
        private int position;
        private long index;
        private boolean last;

        ChunkOpener(DataInputStream in, SecretKey key, String name, byte[] prefix) {
            this.in = in;
            this.key = key;
            this.name = name;
            this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
            this.prefix = prefix;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == chunk.length) {
                if (last) {
                    return -1;
                }
                next();
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }

        private void next() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                throw new BackupException(name + " is cut short after chunk " + index + " (truncated)", e);
            }
            boolean isLast = (length & LAST) != 0;
            length &= ~LAST;
            if (length < TAG_BITS / 8 || length > CHUNK + TAG_BITS / 8) {
                throw new BackupException(name + " is damaged at chunk " + index + " (impossible length " + length + ")");
            }
            byte[] sealed = new byte[length];
            try {
                in.readFully(sealed);
            } catch (EOFException e) {
                throw new BackupException(name + " is cut short in chunk " + index + " (truncated)", e);
            }
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce(prefix, index)));
                cipher.updateAAD(associatedData(nameBytes, index, isLast));
                chunk = cipher.doFinal(sealed);
            } catch (AEADBadTagException e) {
                throw new BackupException(name + " is corrupted: chunk " + index + " does not authenticate (altered, reordered or cut)", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
            }
            position = 0;
            last = isLast;
            index++;
            if (last && in.read() >= 0) {
                throw new BackupException(name + " is corrupted: bytes follow its last chunk");
            }
        }
    }

    private static byte[] nonce(byte[] prefix, long index) {
        return ByteBuffer.allocate(12).put(prefix).putLong(index).array();
    }

    private static byte[] associatedData(byte[] name, long index, boolean last) {
        return ByteBuffer.allocate(name.length + 9).put(name).putLong(index).put((byte) (last ? 1 : 0)).array();
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
