package io.pganalytics.server.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.flakeidgen.FlakeIdGenerator;
import com.hazelcast.map.IMap;
import io.pganalytics.server.cluster.ClusterCalls;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The query cache: answers cached in Hazelcast as JSON strings (never Java serialization), shared by every node, with a near
 * cache on each member for the answers it reads most. A key carries its scope's <em>generation</em>: an instance's
 * id (or {@link QueryCache#FLEET} for fleet-wide answers) and the generation number last set for it. An ingest for an
 * instance sets a new generation (one write, however many answers were cached), so every later request misses;
 * the old entries are never read again and leave by TTL or eviction. Entries live at most {@code query.cache-ttl},
 * which also bounds how long a time-dependent answer (a status, a range ending "now") may be served.
 */
final class HazelcastQueryCache implements QueryCache {
    static final String MAP = "pga.query-cache";
    static final String GENERATIONS = "pga.query-cache-generations";
    static final String GENERATION_IDS = "pga.query-cache-generation";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastQueryCache.class);

    private final IMap<String, String> answers;
    private final IMap<Long, Long> generations;
    private final FlakeIdGenerator generationIds;
    private final ObjectMapper mapper;
    private final long ttlSeconds;
    private final MetricsRegistry.Counter requests;
    private final ClusterCalls calls;

    HazelcastQueryCache(HazelcastInstance hazelcast, QueryConfig config, ObjectMapper mapper, MetricsRegistry metrics) {
        this.ttlSeconds = config.cacheTtl().toSeconds();
        this.answers = hazelcast.getMap(MAP);
        this.generations = hazelcast.getMap(GENERATIONS);
        this.generationIds = hazelcast.getFlakeIdGenerator(GENERATION_IDS);
        this.mapper = mapper;
        this.calls = ClusterCalls.of(hazelcast);
        this.requests = metrics.counter("pganalytics_query_cache_requests_total", "query API answers served from the cache (hit) or computed (miss)",
                "result");
    }

    /** The cached answer for {@code key} in {@code scope}'s current generation, or {@code compute}'s (then cached). */
    /** The member's settings for the cache's map and its near cache: applied before the member starts. */
    static void configure(com.hazelcast.config.Config hz, QueryConfig config) {
        int ttl = (int) Math.max(1, config.cacheTtl().toSeconds());
        EvictionConfig eviction = new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(config.cacheMaxEntries());
        NearCacheConfig near = new NearCacheConfig(MAP)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setCacheLocalEntries(true)
                .setInvalidateOnChange(true)
                .setTimeToLiveSeconds(ttl)
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT).setSize(config.cacheMaxEntries()));
        hz.addMapConfig(new MapConfig(MAP).setTimeToLiveSeconds(ttl).setEvictionConfig(eviction).setNearCacheConfig(near));
    }

    /**
     * Each cluster call waits at most {@code cluster.request-wait}: when the cluster does not answer (a member cut off),
     * the answer is computed from the database and not cached, and the request goes on.
     */
    @Override
    public <T> T get(long scope, String key, Class<T> type, Supplier<T> compute) {
        String fullKey;
        String cached;
        try {
            Long generation = calls.await("read the query cache's generation", generations.getAsync(scope));
            fullKey = scope + ":" + (generation == null ? 0 : generation) + ":" + key;
            cached = calls.await("read the query cache", answers.getAsync(fullKey));
        } catch (ClusterCalls.ClusterUnavailableException e) {
            requests.inc("unavailable");
            LOG.debug("query cache: {}: computing without the cache", e.getMessage());
            return compute.get();
        }
        if (cached != null) {
            try {
                T value = mapper.readValue(cached, type);
                requests.inc("hit");
                return value;
            } catch (JsonProcessingException e) {
                // An entry written by a node of another release: compute it afresh.
                LOG.warn("query cache: unreadable entry {} ({}): recomputing", fullKey, e.getOriginalMessage());
            }
        }
        requests.inc("miss");
        T value = compute.get();
        String json;
        try {
            json = mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type.getSimpleName() + " for the query cache", e);
        }
        // not awaited: the answer is already computed, and a cache write must not hold the request
        answers.setAsync(fullKey, json, ttlSeconds, TimeUnit.SECONDS);
        return value;
    }

    /** New data for the instance: its answers, and the fleet's, move to a new generation. */
    @Override
    public void invalidate(long instanceId) {
        long generation = generationIds.newId();
        // both writes are sent at once; a cluster that does not answer within the bound finishes them later (until then
        // an answer cached before this ingest may be served, for at most query.cache-ttl)
        var instance = generations.setAsync(instanceId, generation);
        var fleet = generations.setAsync(FLEET, generation);
        try {
            calls.await("move instance " + instanceId + "'s cached answers to a new generation", instance);
            calls.await("move the fleet's cached answers to a new generation", fleet);
        } catch (ClusterCalls.ClusterUnavailableException e) {
            LOG.warn("query cache: {}", e.getMessage());
        }
    }

    @Override
    public long nearCacheHits() {
        var stats = answers.getLocalMapStats().getNearCacheStats();
        return stats == null ? 0 : stats.getHits();
    }
}
