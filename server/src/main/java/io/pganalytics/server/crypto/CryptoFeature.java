package io.pganalytics.server.crypto;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.server.config.ConfigException;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Encryption at rest on one node: opens the key-encryption key's provider, starts the {@link KeyService}, and keeps
 * the registry of sealed columns that features fill in as they start.
 */
public final class CryptoFeature implements AutoCloseable {
    private final EncryptionConfig config;
    private final KeyEncryptionKeys kek;
    private final KeyService keys;
    private final List<SealedColumn> columns = new CopyOnWriteArrayList<>();

    private CryptoFeature(EncryptionConfig config, KeyEncryptionKeys kek, KeyService keys) {
        this.config = config;
        this.kek = kek;
        this.keys = keys;
    }

    /**
     * Opens the provider and proves it can unwrap the current data key (or creates the first).
     *
     * @throws ConfigException when the key-encryption key cannot be reached or is not this database's: the server
     *                         does not start, and never falls back to storing anything in the clear
     */
    public static CryptoFeature start(EncryptionConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName,
                                      Path dataDir, Map<String, String> environment, Clock clock) {
        SecureRandom random = new SecureRandom();
        KeyEncryptionKeys kek = KekProviders.open(config, dataDir, environment, random);
        try {
            KeyService keys = new KeyService(dataSource, kek, nodeName, clock, random);
            keys.start();
            return new CryptoFeature(config, kek, keys);
        } catch (CryptoException e) {
            kek.close();
            throw new ConfigException("encryption", e.getMessage() + "; the server does not start without its keys (docs/ENCRYPTION.md, \"Recovery\")");
        } catch (RuntimeException e) {
            kek.close();
            throw e;
        }
    }

    public EncryptionConfig config() {
        return config;
    }

    /** Seals and opens values: what every feature keeping something sensitive takes. */
    public Sealer sealer() {
        return keys;
    }

    public KeyService keys() {
        return keys;
    }

    /** Declares a sealed column, so that rotation re-seals it and the key status counts it. */
    public void register(SealedColumn column) {
        columns.add(column);
    }

    public List<SealedColumn> columns() {
        return List.copyOf(columns);
    }

    @Override
    public void close() {
        kek.close();
    }
}
