package io.pganalytics.server.crypto;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Encryption at rest on one node: opens the key-encryption key's provider, starts the {@link KeyService}, and keeps
 * the registry of sealed columns that features fill in as they start.
 */
public final class CryptoFeature implements AutoCloseable {
    private static final Duration REWRAP_TICK = Duration.ofSeconds(2);

    private final EncryptionConfig config;
    private final KeyEncryptionKeys kek;
    private final KeyService keys;
    private final List<SealedColumn> columns = new CopyOnWriteArrayList<>();
    private final JobLeases leases;
    private final KeyRotation rotation;
    private final RewrapJob rewrap;
    private final KeyManagement management;

    private CryptoFeature(EncryptionConfig config, KeyEncryptionKeys kek, KeyService keys, DataSource dataSource, HazelcastInstance hazelcast,
                          String nodeName, Clock clock) {
        this.config = config;
        this.kek = kek;
        this.keys = keys;
        this.leases = new JobLeases(hazelcast, RewrapJob.LEASE_TTL);
        this.rotation = new KeyRotation(keys, hazelcast, nodeName, clock);
        SealedValueRepository values = new SealedValueRepository(dataSource);
        this.rewrap = new RewrapJob(keys, this::columns, values, new RewrapRunRepository(dataSource), leases, nodeName, clock,
                config.rewrapRate(), config.rewrapBatch(), REWRAP_TICK);
        this.management = new KeyManagement(keys, rotation, rewrap, values, this::columns, clock, dataSource);
    }

    /**
     * Opens the provider and proves it can unwrap the current data key (or creates the first).
     *
     * @throws ConfigException when the key-encryption key cannot be reached or is not this database's: the server
     *                         does not start, and never falls back to storing anything in the clear
     */
    public static CryptoFeature start(EncryptionConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName,
                                      Path dataDir, Map<String, String> environment, Clock clock) {
        java.util.Objects.requireNonNull(hazelcast, "hazelcast: rotation tells every node through the cluster, and one node re-wraps");
        SecureRandom random = new SecureRandom();
        KeyEncryptionKeys kek = KekProviders.open(config, dataDir, environment, random);
        try {
            KeyService keys = new KeyService(dataSource, kek, nodeName, clock, random);
            keys.start();
            CryptoFeature feature = new CryptoFeature(config, kek, keys, dataSource, hazelcast, nodeName, clock);
            feature.rotation.start();
            feature.rewrap.start();
            return feature;
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

    /**
     * The key-encryption keys themselves, for what must open without the database (backups: each object's data key is
     * wrapped by the KEK and kept in the object, docs/backup/format.md). Never closed by the caller.
     */
    public KeyEncryptionKeys keyEncryptionKeys() {
        return kek;
    }

    /**
     * Opens the configured key-encryption keys without a database: for the offline {@code restore} command, which
     * runs when the database is gone. The caller closes them.
     */
    public static KeyEncryptionKeys openOffline(EncryptionConfig config, Path dataDir, Map<String, String> environment) {
        return KekProviders.open(config, dataDir, environment, new SecureRandom());
    }

    /** Declares a sealed column, so that rotation re-seals it and the key status counts it. */
    public void register(SealedColumn column) {
        columns.add(column);
    }

    public List<SealedColumn> columns() {
        return List.copyOf(columns);
    }

    /**
     * {@code /admin/keys}: status, rotation, re-wrap, retirement. Rotation and retirement must be confirmed
     * ({@code confirmations}); every change is recorded in {@code audit} in its own transaction.
     */
    public List<ApiService> routes(JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        return List.of(new KeyRoutes(management, bodies, confirmations, audit));
    }

    @Override
    public void close() {
        rewrap.close();
        rotation.close();
        leases.close();
        kek.close();
    }
}
