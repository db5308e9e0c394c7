package io.pganalytics.server.backup;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.db.DatabaseModule;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backup and recovery on one node, wired: the catalogue, the engine, the schedule and the API.
 */
public final class BackupFeature implements AutoCloseable {
    private final BackupConfig config;
    private final BackupCatalog catalog;
    private final Optional<BackupEngine> engine;

    public BackupFeature(BackupConfig config, DatabaseModule database, CryptoFeature crypto, HazelcastInstance hazelcast, String nodeName,
                         Path dataDir, Clock clock, MetricsRegistry metrics, AuditLog audit, Map<String, String> environment) {
        this.config = config;
        this.catalog = new BackupCatalog(database.dataSource());
        SealedStreams sealing = new SealedStreams(crypto.keyEncryptionKeys(), () -> crypto.keys().currentKekVersion(), new SecureRandom());
        BackupContext context = new BackupContext(config, database.dataSource(), database.embedded(), catalog, sealing, crypto.sealer(),
                dataDir, nodeName, clock, environment);
        this.engine = BackupEngines.create(context);
    }

    public void start() {
        engine.ifPresent(BackupEngine::start);
    }

    public BackupConfig config() {
        return config;
    }

    public BackupCatalog catalog() {
        return catalog;
    }

    /** The engine; empty when backups are disabled. */
    public Optional<BackupEngine> engine() {
        return engine;
    }

    public List<ApiService> routes(JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        return List.of();
    }

    @Override
    public void close() {
        engine.ifPresent(BackupEngine::close);
    }
}
