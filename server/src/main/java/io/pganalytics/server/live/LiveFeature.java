package io.pganalytics.server.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.server.alerting.AlertEvents;
import io.pganalytics.server.anomaly.AnomalyEvents;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.SessionRevocations;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.metrics.MetricsRegistry;

import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/** The live stream, wired: its route, the ingest listener that publishes, and the shutdown of open streams. */
public final class LiveFeature implements AutoCloseable {
    private final LiveHub hub;
    private final LiveRoutes routes;

    /**
     * @param instanceExists whether the inventory knows an instance (unknown ones get 404)
     * @param fromDatabase   an instance's latest figures from the database, for a first event when the cluster has none
     */
    public LiveFeature(LiveConfig config, HazelcastInstance hazelcast, ObjectMapper mapper, MetricsRegistry metrics,
                       LongPredicate instanceExists, LongFunction<Optional<LiveUpdate>> fromDatabase) {
        this(config, hazelcast, mapper, metrics, instanceExists, fromDatabase, SessionRevocations.NONE, java.time.Clock.systemUTC());
    }

    /**
     * @param revocations sessions ended on any node: their streams end at once (and a stream ends when the access
     *                    token it was opened with expires, by {@code clock})
     */
    public LiveFeature(LiveConfig config, HazelcastInstance hazelcast, ObjectMapper mapper, MetricsRegistry metrics,
                       LongPredicate instanceExists, LongFunction<Optional<LiveUpdate>> fromDatabase,
                       SessionRevocations revocations, java.time.Clock clock) {
        this.hub = new LiveHub(config, hazelcast, mapper, metrics, fromDatabase);
        this.routes = new LiveRoutes(hub, config, instanceExists, revocations, clock);
        revocations.subscribe(hub::endSession);
    }

    /** The member's settings for the live topic: apply them before the member starts. */
    public static java.util.function.Consumer<com.hazelcast.config.Config> clusterConfig(LiveConfig config) {
        return LiveHub::configure;
    }

    public List<ApiService> routes() {
        return List.of(routes);
    }

    /** Publishes the figures of every instance a stored batch carried. */
    public IngestListener ingestListener() {
        return batch -> batch.instances().forEach(hub::publish);
    }

    /**
     * Tells every node's streams of a changed anomaly: an {@code anomaly} event on its instance's stream and on the
     * fleet's ({@code GET /anomalies/live}). Never throws.
     */
    public AnomalyEvents anomalyEvents() {
        return hub::publishAnomaly;
    }

    /**
     * Tells every node's streams of a changed alert or incident: an {@code alert} event on its instance's stream and on
     * the fleet's ({@code GET /alerts/live}). Never throws.
     */
    public AlertEvents alertEvents() {
        return hub::publishAlert;
    }

    /** Publishes one instance's figures to every node's subscribers. */
    public void publish(InstanceUpdate update) {
        hub.publish(update);
    }

    /** Open streams on this node. */
    public int openStreams() {
        return hub.openStreams();
    }

    /** Ends this node's streams and refuses new ones: called before the HTTP drain, which would otherwise wait for them. */
    public void endStreams() {
        hub.endStreams();
    }

    @Override
    public void close() {
        hub.close();
    }
}
