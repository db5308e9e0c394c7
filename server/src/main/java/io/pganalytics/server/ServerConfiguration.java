package io.pganalytics.server;

import io.pganalytics.server.audit.AuditConfig;
import io.helidon.config.Config;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.auth.AuthConfig;
import io.pganalytics.server.anomaly.AnomalyConfig;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.collectors.CollectorsConfig;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigKeys;
import io.pganalytics.server.crypto.EncryptionConfig;
import io.pganalytics.server.db.DatabaseConfig;
import io.pganalytics.server.http.HttpConfig;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.live.LiveConfig;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.query.QueryConfig;

/**
 * Every feature's configuration record, read and validated together before anything starts: each feature reads its
 * own node, the contradictions between features are checked, and then the whole tree is held to the keys the features
 * read ({@link ConfigKeys}), so that a misspelt key stops start-up naming the nearest valid one.
 */
record ServerConfiguration(ServerConfig server,
                           HttpConfig http,
                           DatabaseConfig database,
                           ClusterConfig cluster,
                           AuthConfig auth,
                           CollectorsConfig collectors,
                           IngestConfig ingest,
                           QueryConfig query,
                           LiveConfig live,
                           MaintenanceConfig maintenance,
                           EncryptionConfig encryption,
                           AuditConfig audit,
                           BackupConfig backup,
                           AnomalyConfig anomaly,
                           AlertingConfig alerting) {

    /** @throws ConfigException naming the first bad, contradictory or unknown key */
    static ServerConfiguration read(Config config) {
        ServerConfiguration read;
        try (ConfigKeys.Recording keys = ConfigKeys.record()) {
            IngestConfig ingest = IngestConfig.from(config.get("ingest"));
            read = new ServerConfiguration(
                    ServerConfig.from(config.get("server")),
                    HttpConfig.from(config.get("http")),
                    DatabaseConfig.from(config.get("database")),
                    ClusterConfig.from(config.get("cluster")),
                    AuthConfig.from(config.get("auth")),
                    CollectorsConfig.from(config.get("collectors")),
                    ingest,
                    QueryConfig.from(config.get("query")),
                    LiveConfig.from(config.get("live")),
                    MaintenanceConfig.from(config.get("maintenance"), ingest),
                    EncryptionConfig.from(config.get("encryption")),
                    AuditConfig.from(config.get("audit")),
                    BackupConfig.from(config.get("backup")),
                    AnomalyConfig.from(config.get("anomaly")),
                    AlertingConfig.from(config.get("alerting")));
            keys.check(config);
        }
        if (read.ingest().writers() > read.database().poolSize() - 2) {
            throw new ConfigException("ingest.writers", read.ingest().writers()
                    + " writers need more connections than database.pool-size (" + read.database().poolSize()
                    + ") leaves after 2 for queries: lower ingest.writers or raise database.pool-size");
        }
        return read;
    }
}
