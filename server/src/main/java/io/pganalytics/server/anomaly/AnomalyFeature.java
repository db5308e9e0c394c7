package io.pganalytics.server.anomaly;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.server.anomaly.api.AnomalyRoutes;
import io.pganalytics.server.anomaly.api.AnomalySettingsStore;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.live.LiveFeature;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Anomaly detection on one node, wired: the points, the scorer (the instances this node owns), the records and their
 * hints, the settings, the live events and the API.
 */
public final class AnomalyFeature implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyFeature.class);

    /**
     * The implementations behind the seams: the points (server.anomaly.points), the hints (server.anomaly.hints), the
     * settings store and the live events (server.anomaly.api, server.live).
     */
    public record Seams(PointSource points, HintFinder hints, AnomalyTuning tuning, AnomalyEvents events) {
    }

    private final AnomalyConfig config;
    private final DataSource dataSource;
    private final HazelcastInstance hazelcast;
    private final Clock clock;
    private final MetricsRegistry metrics;
    private final MaintenanceConfig maintenance;
    private final LiveFeature live;
    private final String nodeName;
    private final JobLeases leases;
    private final AnomalyScorer scorer;
    private final AnomalySettingsStore settings;
    private final AnomalyEvents events;

    /**
     * WIRING: the seams' implementations are not on this branch yet (H2 points, H3 hints, H4 settings and live events);
     * until they are passed here, this node scores nothing and says so at start.
     */
    public AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                          MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, null);
    }

    /** @param seams the implementations behind the seams; null when not wired (nothing is scored) */
    public AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                          MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, Seams seams) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.metrics = metrics;
        this.maintenance = maintenance;
        this.live = live;
        this.leases = new JobLeases(hazelcast, maintenance.leaseTtl());
        if (seams == null) {
            this.scorer = null;
        } else {
            AnomalyWriter writer = new AnomalyWriter(seams.points(), seams.hints(), seams.events(), JsonMapping.newMapper(), clock,
                    config.maxHints());
            this.scorer = new AnomalyScorer(config, dataSource, hazelcast, clock, seams.points(), seams.tuning(), writer,
                    new AnomalyFigures(metrics), new AnomalyHousekeeping(dataSource, leases, maintenance, config, clock));
        }
        this.settings = new AnomalySettingsStore(dataSource, hazelcast, clock, instanceId -> Optional.empty());
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
        if (!config.enabled()) {
            LOG.info("anomaly scoring: disabled on node {} (anomaly.enabled is false)", nodeName);
            return;
        }
        if (scorer == null) {
            LOG.warn("anomaly scoring: node {} scores nothing: no point source is wired", nodeName);
            return;
        }
        scorer.start();
        LOG.info("anomaly scoring: node {} scores the instances it owns every {} (sweep every {}, checkpoints every {})",
                nodeName, config.scoreInterval(), config.sweepInterval(), config.checkpointInterval());
    }

    /** Hears of stored batches: the instances they carried have new points to score (their owners are told). */
    public IngestListener ingestListener() {
        return batch -> {
            if (scorer == null || !config.enabled()) {
                return;
            }
            long[] ids = batch.instances().stream().mapToLong(InstanceUpdate::instanceId).distinct().toArray();
            try {
                scorer.notifyStored(ids);
            } catch (RuntimeException e) { // the sweep finds these instances anyway
                LOG.debug("anomaly scoring: notice of batch {} not published: {}", batch.batchId(), e.toString());
            }
        };
    }

    /**
     * Asks the owner of each instance to score its history {@code (from, to]} with fresh detectors (one instance, or all
     * when {@code instanceId} is null); the detectors it ends with replace the live ones.
     *
     * @throws IllegalArgumentException when {@code from} is not before {@code to} or the span exceeds
     *                                  {@code anomaly.backfill-max}
     */
    public void backfill(Long instanceId, Instant from, Instant to) {
        if (scorer == null) {
            throw new IllegalStateException("anomaly scoring is not wired on this node");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("backfill: from " + from + " is not before to " + to);
        }
        if (java.time.Duration.between(from, to).compareTo(config.backfillMax()) > 0) {
            throw new IllegalArgumentException("backfill: " + from + " to " + to + " is longer than anomaly.backfill-max ("
                    + config.backfillMax() + ")");
        }
        scorer.requestBackfill(new AnomalyScorer.Backfill(instanceId, from, to));
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit) {
        return List.of(new AnomalyRoutes(dataSource, settings, series -> new DetectionSeriesInfo(series, series, "", null), List::of,
                events, bodies, audit, clock));
    }

    @Override
    public void close() {
        if (scorer != null) {
            scorer.close();
        }
        leases.close();
        settings.close();
    }
}
