package io.pganalytics.server.audit;

import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.http.ApiService;
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
    private final AuditConfig config;
    private final DataSource dataSource;
    private final PersonKeys personKeys;
    private final AuditLog log;
    private final AuditViews views;
    private final ApiCallRecorder apiCalls;
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
        this.apiCalls = new ApiCallRecorder(log);
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

    /** Where the API hands each call ({@code audit.api-calls}); null when calls are not recorded. */
    public io.pganalytics.server.http.CallRecorder apiCalls() {
        return config.apiCalls() ? apiCalls : null;
    }

    public PersonKeys personKeys() {
        return personKeys;
    }

    public AuditViews views() {
        return views;
    }

    public List<ApiService> routes() {
        List<ApiService> routes = new ArrayList<>();
        return routes;
    }

    @Override
    public void close() {
        log.close();
    }
}
