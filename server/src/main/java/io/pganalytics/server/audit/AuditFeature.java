package io.pganalytics.server.audit;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.audit.forwarding.AuditForwarding;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit trail on one node: the log every feature writes to, the person keys that seal personal fields, and the
 * routes under {@code /audit}. Started right after the key service, before every feature that records.
 */
public final class AuditFeature implements AutoCloseable {
    /** The audit routes read no request bodies larger than this (they are GETs and small admin requests). */
    private static final long JSON_BODY_LIMIT = 64 * 1024;
    private final AuditConfig config;
    private final DataSource dataSource;
    private final PersonKeys personKeys;
    private final AuditLog log;
    private final AuditViews views;
    private final AuditSearch search;
    private final AuditExports exports;
    private final MetricsRegistry metrics;
    private volatile AuditForwarding forwarding;
    private final String node;
    private final Clock clock;
    private final CryptoFeature crypto;
    private AuditIntegrity integrity;
    private JsonBodies bodies;

    public AuditFeature(AuditConfig config, DataSource dataSource, CryptoFeature crypto, String node, Clock clock, MetricsRegistry metrics) {
        this.config = config;
        this.dataSource = dataSource;
        this.node = node;
        this.clock = clock;
        this.personKeys = new PersonKeys(dataSource, crypto.sealer(), clock);
        crypto.register(PersonKeys.SEALED);
        crypto.register(AuditSigningKeys.SEALED);
        this.crypto = crypto;
        this.log = new AuditLog(config, dataSource, personKeys, node, clock, metrics);
        this.views = new AuditViews(personKeys);
        this.search = new AuditSearch(dataSource, views);
        this.exports = new AuditExports(dataSource, views, config.exportMaxRecords());
        this.metrics = metrics;
    }

    public void start() {
        log.start();
    }

    /**
     * Starts the chain's integrity jobs on this node (signing key, checkpoints, archive, retention minimum): needs the
     * cluster for the jobs' leases and the data directory for archive files.
     */
    public void startIntegrity(HazelcastInstance hazelcast, Path dataDir, JsonBodies bodies) {
        this.bodies = bodies;
        this.integrity = new AuditIntegrity(config, dataSource, crypto.sealer(), hazelcast, dataDir, node, clock);
        integrity.start();
    }

    /** Verification, checkpoints and archives; null before {@link #startIntegrity}. */
    public AuditIntegrity integrity() {
        return integrity;
    }

    public AuditConfig config() {
        return config;
    }

    /** Where every feature records what happened. */
    public AuditLog log() {
        return log;
    }

    public PersonKeys personKeys() {
        return personKeys;
    }

    public AuditViews views() {
        return views;
    }

    public List<ApiService> routes() {
        List<ApiService> routes = new ArrayList<>();
        JsonBodies searchBodies = new JsonBodies(JsonMapping.newMapper(), JSON_BODY_LIMIT);
        routes.add(new AuditSearchRoutes(search, searchBodies));
        routes.add(new AuditExportRoutes(exports, () -> forwarding, searchBodies));
        if (integrity != null) {
            routes.add(new AuditIntegrityRoutes(integrity, bodies));
        }
        return routes;
    }

    /**
     * Starts forwarding to the configured destinations ({@code audit.forwarding}); each is forwarded by one node of the
     * cluster at a time. Secrets named by {@code token-env}/{@code api-key-env} are read from {@code environment}.
     */
    public void startForwarding(HazelcastInstance hazelcast, Map<String, String> environment) {
        forwarding = new AuditForwarding(config.forwarding(), dataSource, hazelcast, node, clock, metrics, environment::get);
        forwarding.start();
    }

    @Override
    public void close() {
        if (forwarding != null) {
            forwarding.close();
        }
        if (integrity != null) {
            integrity.close();
        }
        log.close();
    }
}
