package io.pganalytics.server.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.common.query.KeyFigures;
import io.pganalytics.common.query.LiveUpdate;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.ingest.IngestListener;
import io.pganalytics.server.ingest.InstanceUpdate;
import io.pganalytics.server.metrics.MetricsRegistry;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The query API, wired: its routes, and the ingest listener that invalidates cached answers. */
public final class QueryFeature {
    private final QueryService service;
    private final QueryCache cache;
    private final QueryRoutes routes;

    public QueryFeature(QueryConfig config, DataSource dataSource, HazelcastInstance hazelcast, JsonBodies bodies,
                        ObjectMapper mapper, MetricsRegistry metrics, Clock clock, io.pganalytics.server.crypto.Sealer sealer) {
        this.cache = config.cacheTtl().isZero() ? QueryCache.OFF : new HazelcastQueryCache(hazelcast, config, mapper, metrics);
        RangePlanner planner = new RangePlanner(config, clock);
        this.service = new QueryService(config, new Reads(dataSource, config.statementTimeout()), cache, planner, clock, sealer);
        this.routes = new QueryRoutes(service, planner, bodies);
    }

    /** The member's settings for the query cache (its map and near cache): apply them before the member starts. */
    public static java.util.function.Consumer<com.hazelcast.config.Config> clusterConfig(QueryConfig config) {
        return hz -> HazelcastQueryCache.configure(hz, config);
    }

    public List<ApiService> routes() {
        return List.of(routes);
    }

    /** Forgets the cached answers of every instance a stored batch carried (on every node: generations are shared). */
    public IngestListener ingestListener() {
        return batch -> {
            for (InstanceUpdate update : batch.instances()) {
                cache.invalidate(update.instanceId());
            }
        };
    }

    /** Whether the inventory knows the instance. */
    public boolean instanceExists(long id) {
        return service.exists(id);
    }

    /** The instance's fleet row (status and key figures from the database), if it exists. */
    public Optional<InstanceSummary> summary(long id) {
        return service.exists(id) ? service.summary(id) : Optional.empty();
    }

    /**
     * The instance's latest key figures from the database as a live update with event id 0, for a live stream's first
     * event when no update has gone through the cluster since it started.
     */
    public Optional<LiveUpdate> latestFigures(long id) {
        return summary(id).map(s -> {
            Map<String, Double> figures = new LinkedHashMap<>();
            KeyFigures f = s.figures();
            put(figures, "tps", f.tps());
            put(figures, "connections", f.connections());
            put(figures, "active_connections", f.activeConnections());
            put(figures, "max_connections", f.maxConnections());
            put(figures, "cache_hit_ratio", f.cacheHitRatio());
            put(figures, "replication_lag_seconds", f.replicationLagSeconds());
            put(figures, "longest_transaction_seconds", f.longestTransactionSeconds());
            return new LiveUpdate(0, id, s.name(), s.lastCollectedAt(), List.of(), figures, Map.of());
        });
    }

    private static void put(Map<String, Double> figures, String name, Number value) {
        if (value != null) {
            figures.put(name, value.doubleValue());
        }
    }

    /** Near-cache hits on this member (diagnostics and tests). */
    public long nearCacheHits() {
        return cache.nearCacheHits();
    }
}
