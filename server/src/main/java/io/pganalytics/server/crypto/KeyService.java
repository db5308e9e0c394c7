package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.common.crypto.SealContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's key service: seals values under the current data key and opens them under whichever data key they
 * name. Data keys live in {@code crypto_data_key}, wrapped by the key-encryption key's provider; unwrapped keys are
 * held in memory only, one entry per data key (a handful: one per rotation).
 * <p>
 * {@link #start()} proves the key-encryption key works before anything is served: it unwraps the current data key (or
 * creates the first one), so a wrong passphrase, another key store or an unreachable HSM stops start-up with a message
 * saying which. Nothing is ever stored in the clear as a fallback.
 */
public final class KeyService implements Sealer {
    static final String SCOPE = "server";
    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);

    private final DataKeyRepository repository;
    private final KeyEncryptionKeys kek;
    private final String nodeName;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<Integer, SecretKey> keys = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Current current;

    private record Current(int id, int kekVersion, SecretKey key) {
    }

    KeyService(DataSource dataSource, KeyEncryptionKeys kek, String nodeName, Clock clock, SecureRandom random) {
        this.repository = new DataKeyRepository(dataSource);
        this.kek = kek;
        this.nodeName = nodeName;
        this.clock = clock;
        this.random = random;
    }

    /** Creates the first key-encryption-key version and data key when there are none, and loads the current data key. */
    void start() {
        Optional<DataKeyRepository.Row> row = repository.current();
        if (row.isEmpty()) {
            int version = latestKekVersion();
            row = Optional.of(repository.createCurrent(newKey(version), nodeName, clock.instant(), true));
            LOG.info("encryption: data key {} created under key-encryption key version {} ({} {})", row.get().id(), version,
                    kek.kind(), kek.location());
        }
        reloadCurrent();
        LOG.info("encryption: sealing with data key {} (key-encryption key version {}, {} {})", current.id(), current.kekVersion(),
                kek.kind(), kek.location());
    }

    @Override
    public byte[] seal(SealContext context, byte[] plaintext) {
        Current now = current;
        if (now == null) {
            throw new IllegalStateException("encryption: the key service has not started");
        }
        return Envelope.seal(now.id(), now.key(), context, plaintext, random);
    }

    @Override
    public byte[] open(SealContext context, byte[] sealed) {
        int id = Envelope.keyId(sealed, context);
        return Envelope.open(key(id, context), context, sealed);
    }

    /** The data key sealing new values now. */
    public int currentKeyId() {
        return current.id();
    }

    /** The key-encryption key version that wraps the current data key. */
    public int currentKekVersion() {
        return current.kekVersion();
    }

    KeyEncryptionKeys kek() {
        return kek;
    }

    DataKeyRepository repository() {
        return repository;
    }

    /** Rereads which data key is current (after a rotation here or on another node). */
    synchronized void reloadCurrent() {
        DataKeyRepository.Row row = repository.current()
                .orElseThrow(() -> new IllegalStateException("encryption: no current data key in crypto_data_key"));
        Current now = current;
        if (now == null || now.id() != row.id()) {
            current = new Current(row.id(), row.kekVersion(), unwrap(row));
            if (now != null) {
                LOG.info("encryption: data key {} is now current (was {})", row.id(), now.id());
                for (Runnable listener : listeners) {
                    try {
                        listener.run();
                    } catch (RuntimeException e) {
                        LOG.warn("encryption: a listener of the data key change failed: {}", e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** Runs {@code listener} on this node each time another data key becomes current (re-sealing a node's own files). */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** A new data key wrapped by key-encryption key {@code kekVersion}, for {@link DataKeyRepository#createCurrent}. */
    DataKeyRepository.NewKey newKey(int kekVersion) {
        SecretKey key = Envelope.newDataKey(random);
        byte[] raw = key.getEncoded();
        return new DataKeyRepository.NewKey(kek.kind(), kek.location(), kekVersion, id -> {
            try {
                byte[] wrapped = kek.wrap(kekVersion, raw, SealContext.dataKey(SCOPE, Integer.toString(id)));
                keys.put(id, Envelope.dataKey(raw));
                return wrapped;
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        });
    }

    /** The provider's newest version, created when it holds none. */
    int latestKekVersion() {
        SortedSet<Integer> versions = kek.versions();
        if (!versions.isEmpty()) {
            return versions.last();
        }
        if (!kek.canManage()) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "the key-encryption key provider " + kek.kind() + " at "
                    + kek.location() + " holds no key version and cannot create one here: provision version 1 (docs/ENCRYPTION.md)");
        }
        int created = kek.createVersion();
        LOG.info("encryption: key-encryption key version {} created in {} {}", created, kek.kind(), kek.location());
        return created;
    }

    /** Forgets an unwrapped data key (after it was retired). */
    void forget(int id) {
        keys.remove(id);
    }

    private SecretKey key(int id, SealContext context) {
        SecretKey cached = keys.get(id);
        if (cached != null) {
            return cached;
        }
        DataKeyRepository.Row row = repository.find(id).orElseThrow(() -> new CryptoException(CryptoException.Reason.UNKNOWN_KEY,
                context + " names data key " + id + ", which this database does not have (altered, or copied from another installation)"));
        if (row.retired()) {
            throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, context + " names data key " + id + ", retired at "
                    + row.retiredAt() + ": it can no longer be opened");
        }
        return unwrap(row);
    }

    private SecretKey unwrap(DataKeyRepository.Row row) {
        SecretKey cached = keys.get(row.id());
        if (cached != null) {
            return cached;
        }
        if (row.retired()) {
            throw new CryptoException(CryptoException.Reason.UNKNOWN_KEY, "data key " + row.id() + " is retired");
        }
        byte[] raw;
        try {
            raw = kek.unwrap(row.kekVersion(), row.wrapped(), SealContext.dataKey(SCOPE, Integer.toString(row.id())));
        } catch (CryptoException e) {
            throw new CryptoException(e.reason(), "data key " + row.id() + " (wrapped by " + row.kekKind() + " " + row.kekLocation()
                    + " version " + row.kekVersion() + ") does not unwrap with the configured key-encryption keys (" + kek.kind() + " "
                    + kek.location() + "): " + e.getMessage(), e);
        }
        try {
            SecretKey key = Envelope.dataKey(raw);
            keys.put(row.id(), key);
            return key;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
