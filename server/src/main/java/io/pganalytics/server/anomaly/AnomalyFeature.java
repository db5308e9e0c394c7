package io.pganalytics.server.anomaly;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.anomaly.api.AnomalyRoutes;
import io.pganalytics.server.anomaly.api.AnomalySettingsStore;
import io.pganalytics.server.anomaly.api.LearningStatus;
import io.pganalytics.server.anomaly.hints.SqlHintFinder;
import io.pganalytics.server.anomaly.points.SqlPointSource;
import io.pganalytics.server.anomaly.points.DetectionCatalogue;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.crypto.Sealer;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
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
    private final String nodeName;
    private final JobLeases leases;
    private final AnomalySettingsStore settings;
    private final AnomalyEvents events;
    private final AnomalyScorer scorer;

    /**
     * The product's wiring: points from the raw tables ({@link SqlPointSource}), hints from them too
     * ({@link SqlHintFinder}, which opens sealed statement texts with {@code sealer}), the settings store's tuning and the
     * live streams' events.
     */
    public AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                          MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, Sealer sealer) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, sealer, null);
    }

    /** Tests: the given seams instead of the SQL ones (the settings store still answers the API). */
    public AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                          MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, Seams seams) {
        this(config, dataSource, hazelcast, nodeName, clock, metrics, maintenance, live, null, seams);
    }

    private AnomalyFeature(AnomalyConfig config, DataSource dataSource, HazelcastInstance hazelcast, String nodeName, Clock clock,
                           MetricsRegistry metrics, MaintenanceConfig maintenance, LiveFeature live, Sealer sealer, Seams given) {
        this.config = config;
        this.dataSource = dataSource;
        this.hazelcast = hazelcast;
        this.nodeName = nodeName;
        this.clock = clock;
        this.leases = new JobLeases(hazelcast, maintenance.leaseTtl());
        this.settings = new AnomalySettingsStore(dataSource, hazelcast, clock, config.detector().learningPoints(), this::learning);
        this.events = given != null ? given.events() : live.anomalyEvents();
        Seams seams = given != null ? given
                : new Seams(new SqlPointSource(config.topStatements()), new SqlHintFinder(sealer), settings, events);
        AnomalyWriter writer = new AnomalyWriter(seams.points(), seams.hints(), events, JsonMapping.newMapper(), clock,
                config.maxHints());
        this.scorer = new AnomalyScorer(config, dataSource, hazelcast, clock, seams.points(), seams.tuning(), writer,
                new AnomalyFigures(metrics), new AnomalyHousekeeping(dataSource, leases, maintenance, config, clock));
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

    /** How far the instance's detectors have learned, when this node scores it (else the settings read the checkpoints). */
    private Optional<LearningStatus> learning(long instanceId) {
        return scorer.learning(instanceId);
    }

    /** Starts scoring the instances this node owns (nothing when {@code anomaly.enabled} is false). */
    public void start() {
        if (!config.enabled()) {
            LOG.info("anomaly scoring: disabled on node {} (anomaly.enabled is false)", nodeName);
            return;
        }
        scorer.start();
        LOG.info("anomaly scoring: node {} scores the instances it owns every {} (sweep every {}, checkpoints every {})",
                nodeName, config.scoreInterval(), config.sweepInterval(), config.checkpointInterval());
    }

    /** Hears of stored batches: the instances they carried have new points to score (their owners are told). */
    public IngestListener ingestListener() {
        return batch -> {
            if (!config.enabled()) {
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
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("backfill: from " + from + " is not before to " + to);
        }
        if (Duration.between(from, to).compareTo(config.backfillMax()) > 0) {
            throw new IllegalArgumentException("backfill: " + from + " to " + to + " is longer than anomaly.backfill-max ("
                    + config.backfillMax() + ")");
        }
        // published to every node: the owners score, whichever nodes they are
        hazelcast.<String>getTopic(AnomalyScorer.BACKFILL_TOPIC).publish(new AnomalyScorer.Backfill(instanceId, from, to).encode());
    }

    /** Whether the instance is monitored (a backfill of an unknown one is a 404). */
    boolean instanceExists(long instanceId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM monitored_instance WHERE id = ?")) {
            ps.setLong(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                boolean exists = rs.next();
                c.rollback();
                return exists;
            }
        }
    }

    public List<ApiService> routes(JsonBodies bodies, AuditLog audit) {
        return List.of(new AnomalyRoutes(dataSource, settings, DetectionCatalogue::describe, DetectionCatalogue::catalogue,
                events, bodies, audit, clock), new AnomalyBackfillRoutes(this, bodies, audit, clock));
    }

    @Override
    public void close() {
        scorer.close();
        settings.close();
        leases.close();
    }
}
