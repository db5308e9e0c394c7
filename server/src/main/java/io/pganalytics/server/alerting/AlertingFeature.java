package io.pganalytics.server.alerting;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.alerting.api.AlertingApi;
import io.pganalytics.server.alerting.api.RuleEngine;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;

/**
 * Alerting on one node, wired: the context (instances and labels, silences, maintenance windows, on-call), the
 * evaluator of the rules this node owns, the notifier and its dispatcher, and the API.
 */
public final class AlertingFeature implements AutoCloseable {
    private final AlertingConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final String nodeName;
    private final Clock clock;
    private final MetricsRegistry metrics;
    private final MaintenanceConfig maintenance;
    private final LiveFeature live;
    private final CryptoFeature crypto;

    public AlertingFeature(AlertingConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, CryptoFeature crypto) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.live = live;
        this.crypto = crypto;
    }

    public AlertingConfig config() {
        return config;
    }

    /** Hears of stored batches: the rules covering the instances they carried are evaluated soon on their owners. */
    public IngestListener ingestListener() {
        return batch -> {
        };
    }

    /** Starts evaluating the rules this node owns and delivering due notifications (nothing when disabled). */
    public void start() {
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit, Confirmations confirmations) {
        // H5's API; the engine's RuleEngine adapter (fix/h1, fix/h2) and the notifier (fix/h4) replace NONE and the
        // no-op notifier at merge
        return new AlertingApi(config, dataSource, clock, RuleEngine.NONE, (c, change) -> {
        }, live.alertEvents(), bodies, audit, confirmations).routes();
    }

    @Override
    public void close() {
    }
}
