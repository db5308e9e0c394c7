package io.pganalytics.server.backup;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.db.DatabaseModule;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backup and recovery on one node, wired: the catalogue, the engine, the runs, the schedule, the figures and the API.
 * A node that cannot back up (backups disabled, or an external database with no pgBackRest configured) starts all the
 * same and says why in {@code /backups/status}.
 */
public final class BackupFeature implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupFeature.class);

    private final BackupConfig config;
    private final BackupCatalog catalog;
    private final BackupService service;
    private final BackupScheduler scheduler;
    private final BackupHealth health;

    public BackupFeature(BackupConfig config, DatabaseModule database, CryptoFeature crypto, HazelcastInstance hazelcast, String nodeName,
                         Path dataDir, Clock clock, MetricsRegistry metrics, AuditLog audit, Map<String, String> environment) {
        this.config = config;
        this.catalog = new BackupCatalog(database.dataSource());
        SealedStreams sealing = new SealedStreams(crypto.keyEncryptionKeys(), () -> crypto.keys().currentKekVersion(), new SecureRandom());
        BackupContext context = new BackupContext(config, database.dataSource(), database.embedded(), catalog, sealing, crypto.sealer(),
                dataDir, nodeName, clock, environment);
        Optional<BackupEngine> engine = Optional.empty();
        String unavailable = null;
        if (!config.enabled()) {
            unavailable = "backups are disabled (backup.enabled is false): nothing is backed up and the database cannot be restored";
        } else {
            BackupConfig.Engine chosen = BackupEngines.choose(config, database.embedded().isPresent());
            try {
                engine = BackupEngines.create(context);
            } catch (RuntimeException e) {
                unavailable = "the " + chosen.name().toLowerCase(java.util.Locale.ROOT) + " backup engine cannot start: " + e.getMessage();
                LOG.warn("backups: {}", unavailable);
            }
            if (engine.isEmpty() && unavailable == null) {
                unavailable = chosen == BackupConfig.Engine.PGBACKREST
                        ? "no backup engine: the database is external (database.url) and pgBackRest is not configured; set backup.pgbackrest.pg-path "
                        + "and backup.pgbackrest.repo-path (docs/backup/pgbackrest.md)"
                        : "no backup engine was built for the " + chosen.name().toLowerCase(java.util.Locale.ROOT) + " engine";
                LOG.warn("backups: {}", unavailable);
            }
        }
        BackupOperations operations = new BackupOperations(database.dataSource(), clock, nodeName, config.operationStale());
        BackupSettingsStore settings = new BackupSettingsStore(config.schedule(), database.dataSource(), clock);
        BackupFigures figures = new BackupFigures(metrics, clock);
        this.service = new BackupService(config, catalog, operations, settings, engine.orElse(null), unavailable, dataDir, clock, figures);
        figures.bind(() -> service.lastComplete().map(BackupView::consistentAt),
                () -> service.engine().map(e -> e.archiving().pending()).orElse(0L));
        this.scheduler = new BackupScheduler(service, hazelcast, clock);
        this.health = new BackupHealth(service, database.embedded(), dataDir, clock);
    }

    public void start() {
        service.engine().ifPresent(BackupEngine::start);
        scheduler.start();
    }

    public BackupConfig config() {
        return config;
    }

    public BackupCatalog catalog() {
        return catalog;
    }

    /** The engine; empty when this node cannot back up. */
    public Optional<BackupEngine> engine() {
        return service.engine();
    }

    public BackupService service() {
        return service;
    }

    public BackupScheduler scheduler() {
        return scheduler;
    }

    /** Replaces the engine (tests drive a real server with an engine of their own). */
    void useEngine(BackupEngine engine) {
        service.engine(engine);
    }

    public List<ApiService> routes(JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        return List.of(new BackupRoutes(service, scheduler, health, bodies, confirmations, audit));
    }

    @Override
    public void close() {
        scheduler.close();
        service.close();
        service.engine().ifPresent(BackupEngine::close);
    }
}
