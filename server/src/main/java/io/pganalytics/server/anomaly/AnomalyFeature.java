package io.pganalytics.server.anomaly;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.server.anomaly.api.AnomalyRoutes;
import io.pganalytics.server.anomaly.api.AnomalySettingsStore;
import io.pganalytics.server.anomaly.points.DetectionCatalogue;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Anomaly detection on one node, wired: the points, the scorer (the instances this node owns), the records and their
 * hints, the settings, the live events and the API.
 */
public final class AnomalyFeature implements AutoCloseable {
    private final AnomalyConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final Clock clock;
    private final MetricsRegistry metrics;
    private final MaintenanceConfig maintenance;
    private final LiveFeature live;
    private final String nodeName;
    private final AnomalySettingsStore settings;
    private final AnomalyEvents events;

    public AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                          MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.live = live;
        this.settings = new AnomalySettingsStore(dataSource, hazelcast, clock, config.detector().learningPoints(),
                instanceId -> Optional.empty());
        this.events = live.anomalyEvents();
    }

    /** The per-instance sensitivity and exclusions, as the scorer reads them (cached; true on every node within seconds). */
    public AnomalyTuning tuning() {
        return settings;
    }

    /** Where changed anomalies go: the live streams of every node. */
    public AnomalyEvents events() {
        return events;
    }

    public AnomalyConfig config() {
        return config;
    }

    /** Starts scoring the instances this node owns (nothing when {@code anomaly.enabled} is false). */
    public void start() {
    }

    /** Hears of stored batches: the instances they carried have new points to score. */
    public IngestListener ingestListener() {
        return batch -> {
        };
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit) {
        return List.of(new AnomalyRoutes(dataSource, settings, DetectionCatalogue::describe, DetectionCatalogue::catalogue,
                events, bodies, audit, clock));
    }

    @Override
    public void close() {
        settings.close();
    }
}
