package io.pganalytics.server.audit;

import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

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
    private final String node;
    private final Clock clock;

    public AuditFeature(AuditConfig config, DataSource dataSource, CryptoFeature crypto, String node, Clock clock, MetricsRegistry metrics) {
        this.config = config;
        this.dataSource = dataSource;
        this.node = node;
        this.clock = clock;
        this.personKeys = new PersonKeys(dataSource, crypto.sealer(), clock);
        crypto.register(PersonKeys.SEALED);
        this.log = new AuditLog(config, dataSource, personKeys, node, clock, metrics);
        this.views = new AuditViews(personKeys);
        this.search = new AuditSearch(dataSource, views);
    }

    public void start() {
        log.start();
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
        routes.add(new AuditSearchRoutes(search, new JsonBodies(JsonMapping.newMapper(), JSON_BODY_LIMIT)));
        return routes;
    }

    @Override
    public void close() {
        log.close();
    }
}
