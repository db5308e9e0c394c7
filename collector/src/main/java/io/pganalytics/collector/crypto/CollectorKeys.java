package io.pganalytics.collector.crypto;

import io.pganalytics.collector.spool.OwnerOnly;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.common.crypto.SealContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The collector's key service: a key-encryption key (KEK) in its own PKCS#12 key store, and data keys wrapped by it in
 * {@value #DATA_KEYS} beside the key store (one line per key: id, KEK version, wrapped key). Values are sealed with the
 * newest data key ({@link Envelope}); a value names its data key, so values sealed before a rotation keep opening.
 * <p>
 * {@link #open} proves the keys at start: a wrong passphrase or another key store stops start-up with a message naming
 * the file, never the passphrase. A new data key is made on first start, by {@link #rotate()}, and at start when the
 * key store holds a KEK version newer than the one wrapping the current data key (a version added by the operator).
 * Thread-safe; another process rotating (the {@code keys rotate} command while the agent runs) is noticed on the next
 * seal by the data-key file's modification time.
 */
public final class CollectorKeys implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorKeys.class);
    static final String DATA_KEYS = "data-keys";
    private static final String SCOPE = "collector";
    private static final String LINE_PREFIX = "v1";

    /** A data key as stored: its id, the KEK version that wraps it, the wrapped bytes. */
    public record DataKey(int id, int kekVersion, byte[] wrapped) {
    }

    /** What {@link #rotate()} made. */
    public record Rotation(int kekVersion, int dataKeyId) {
    }

    private final KeyStoreFileKeys keks;
    private final Path dataKeysFile;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, SecretKey> unwrapped = new ConcurrentHashMap<>();
    private volatile TreeMap<Integer, DataKey> dataKeys = new TreeMap<>();
    private volatile FileTime dataKeysModified;
    private volatile int currentId;

    private CollectorKeys(KeyStoreFileKeys keks, Path dataKeysFile, SecureRandom random) {
        this.keks = keks;
        this.dataKeysFile = dataKeysFile;
        this.random = random;
    }

    /**
     * Opens (creating on first start) the key store and the data keys, and proves them by unwrapping the current data
     * key.
     *
     * @throws CryptoException {@code WRONG_PASSPHRASE} when the passphrase does not open the key store, {@code TAMPERED}
     *                         when the data keys were not wrapped by this key store, {@code KEY_UNAVAILABLE} when a file
     *                         cannot be read or written
     */
    public static CollectorKeys open(EncryptionSettings settings, Map<String, String> env, SecureRandom random) {
        Path keyStore = settings.keyStore().toAbsolutePath().normalize();
        try {
            OwnerOnly.directory(keyStore.getParent());
        } catch (IOException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot create " + keyStore.getParent() + ": " + e.getMessage(), e);
        }
        Passphrase passphrase = Passphrase.resolve(settings, env, random);
        KeyStoreFileKeys keks;
        try {
            keks = KeyStoreFileKeys.open(keyStore, passphrase.value(), true, random);
        } catch (CryptoException e) {
            if (e.reason() == CryptoException.Reason.WRONG_PASSPHRASE) {
                throw new CryptoException(e.reason(), "the collector's key store " + keyStore + " does not open with the passphrase from "
                        + passphrase.source() + " (wrong passphrase, or another key store)", e);
            }
            throw e;
        } finally {
            Arrays.fill(passphrase.value(), '\0');
        }
        CollectorKeys keys = new CollectorKeys(keks, keyStore.resolveSibling(DATA_KEYS), random);
        try {
            keys.start();
        } catch (RuntimeException e) {
            keks.close();
            throw e;
        }
        return keys;
    }

    private void start() {
        lock.lock();
        try {
            if (keks.versions().isEmpty()) {
                int version = keks.createVersion();
                LOG.info("encryption: created key-encryption key version {} in {}", version, keks.location());
            }
            load();
            int newest = keks.versions().last();
            if (dataKeys.isEmpty() || dataKeys.lastEntry().getValue().kekVersion() < newest) {
                int id = addDataKey(newest);
                LOG.info("encryption: created data key {} wrapped by key-encryption key version {}", id, newest);
            }
            currentId = dataKeys.lastKey();
            key(currentId);
        } finally {
            lock.unlock();
        }
    }

    /** Seals {@code plaintext} for {@code context} with the current data key. */
    public byte[] seal(SealContext context, byte[] plaintext) {
        reloadIfChanged();
        int id = currentId;
        return Envelope.seal(id, key(id), context, plaintext, random);
    }

    /**
     * Opens a value sealed for {@code context} under whichever data key it names.
     *
     * @throws CryptoException {@code TAMPERED}, {@code MALFORMED} or {@code UNKNOWN_KEY}, naming the context
     */
    public byte[] open(SealContext context, byte[] sealed) {
        int id = Envelope.keyId(sealed, context);
        if (!dataKeys.containsKey(id)) {
            reloadIfChanged();
        }
        return Envelope.open(key(id), context, sealed);
    }

    /** A new KEK version and a new data key wrapped by it, current from now on; older keys keep opening what they sealed. */
    public Rotation rotate() {
        lock.lock();
        try {
            int version = keks.createVersion();
            int id = addDataKey(version);
            currentId = id;
            LOG.info("encryption: rotated to key-encryption key version {} and data key {}", version, id);
            return new Rotation(version, id);
        } finally {
            lock.unlock();
        }
    }

    public int currentDataKeyId() {
        return currentId;
    }

    public List<DataKey> dataKeys() {
        return List.copyOf(dataKeys.values());
    }

    public List<Integer> kekVersions() {
        return List.copyOf(keks.versions());
    }

    /** The key store's path (never a secret). */
    public String location() {
        return keks.location();
    }

    public Path dataKeysFile() {
        return dataKeysFile;
    }

    @Override
    public void close() {
        keks.close();
    }

    private SecretKey key(int id) {
        SecretKey key = unwrapped.get(id);
        if (key != null) {
            return key;
        }
        DataKey stored = dataKeys.get(id);
        if (stored == null) {
            throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "the collector holds no data key " + id + " (in " + dataKeysFile + ")");
        }
        byte[] raw;
        try {
            raw = keks.unwrap(stored.kekVersion(), stored.wrapped(), SealContext.dataKey(SCOPE, String.valueOf(id)));
        } catch (CryptoException e) {
            throw new CryptoException(e.reason(), "the data key " + id + " in " + dataKeysFile + " does not unwrap with the key store "
                    + keks.location() + " (another key store, or an altered file): " + e.getMessage(), e);
        }
        try {
            key = Envelope.dataKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        unwrapped.put(id, key);
        return key;
    }

    private int addDataKey(int kekVersion) {
        int id = dataKeys.isEmpty() ? 1 : dataKeys.lastKey() + 1;
        byte[] raw = Envelope.newDataKey(random).getEncoded();
        try {
            byte[] wrapped = keks.wrap(kekVersion, raw, SealContext.dataKey(SCOPE, String.valueOf(id)));
            TreeMap<Integer, DataKey> next = new TreeMap<>(dataKeys);
            next.put(id, new DataKey(id, kekVersion, wrapped));
            write(next);
            dataKeys = next;
            return id;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private void reloadIfChanged() {
        FileTime now = modified(dataKeysFile);
        if (now != null && !now.equals(dataKeysModified)) {
            lock.lock();
            try {
                now = modified(dataKeysFile);
                if (now != null && !now.equals(dataKeysModified)) {
                    TreeMap<Integer, DataKey> before = dataKeys;
                    load();
                    if (!dataKeys.containsKey(currentId)) {
                        dataKeys = before;
                        throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, dataKeysFile + " no longer holds the current data key "
                                + currentId + ": it was replaced or truncated; restore it from a backup");
                    }
                    int newest = dataKeys.lastKey();
                    if (newest != currentId) {
                        key(newest);
                        LOG.info("encryption: data key {} (made by another process) is current from now on", newest);
                        currentId = newest;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void load() {
        TreeMap<Integer, DataKey> loaded = new TreeMap<>();
        FileTime modified = modified(dataKeysFile);
        if (Files.exists(dataKeysFile)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(dataKeysFile, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot read " + dataKeysFile + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(" ");
                try {
                    if (parts.length != 4 || !LINE_PREFIX.equals(parts[0])) {
                        throw new IllegalArgumentException("expected '" + LINE_PREFIX + " <id> <kek version> <wrapped key>'");
                    }
                    DataKey key = new DataKey(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Base64.getDecoder().decode(parts[3]));
                    loaded.put(key.id(), key);
                } catch (IllegalArgumentException e) {
                    throw new CryptoException(CryptoException.Reason.MALFORMED, dataKeysFile + " line " + (i + 1) + " is not a data key: " + e.getMessage());
                }
            }
        }
        dataKeys = loaded;
        dataKeysModified = modified;
    }

    private void write(TreeMap<Integer, DataKey> keys) {
        List<String> lines = new ArrayList<>();
        for (DataKey key : keys.values()) {
            lines.add(LINE_PREFIX + " " + key.id() + " " + key.kekVersion() + " " + Base64.getEncoder().encodeToString(key.wrapped()));
        }
        Path temp = dataKeysFile.resolveSibling(DATA_KEYS + ".tmp");
        try {
            OwnerOnly.write(temp, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, dataKeysFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, dataKeysFile, StandardCopyOption.REPLACE_EXISTING);
            }
            dataKeysModified = modified(dataKeysFile);
        } catch (IOException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot write " + dataKeysFile + ": " + e.getMessage(), e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
