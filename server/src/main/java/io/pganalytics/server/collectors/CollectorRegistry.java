package io.pganalytics.server.collectors;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.server.cluster.ClusterCalls;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The collector registry shared by every node: the Hazelcast map {@value #MAP} (collector id to
 * {@link RegistryEntry}) in front of the {@code collector} table. The ingest hot path reads it once per request; a
 * miss loads from the database and publishes with {@code putIfAbsent}, so that a load racing with an admin's change
 * can never overwrite it: changes are published with {@code set} after their transaction commits, and a disabled or
 * deleted collector is refused by every node from that moment on. Entries expire after
 * {@code collectors.registry-cache-ttl} (absent ones after at most a minute), which bounds the map and heals any
 * change made to the table behind the API's back.
 * <p>
 * No near cache on purpose: it would make the refusal of a disabled collector eventually consistent.
 */
final class CollectorRegistry {
    static final String MAP = "pga.collectors";
    private static final Duration ABSENT_TTL = Duration.ofMinutes(1);

    private final IMap<String, RegistryEntry> map;
    private final CollectorRepository collectors;
    private final long ttlMillis;
    private final long absentTtlMillis;
    private final ClusterCalls calls;

    CollectorRegistry(HazelcastInstance hazelcast, CollectorRepository collectors, Duration ttl) {
        this.map = hazelcast.getMap(MAP);
        this.collectors = collectors;
        this.ttlMillis = ttl.toMillis();
        this.absentTtlMillis = Math.min(ttl.toMillis(), ABSENT_TTL.toMillis());
        this.calls = ClusterCalls.of(hazelcast);
    }

    /**
     * The entry of a well-formed collector id: from the map, or loaded from the database on a miss. When the cluster
     * does not answer within {@code cluster.request-wait} (a member cut off), the database (authoritative) answers and
     * the entry is not published.
     */
    RegistryEntry lookup(String collectorId) {
        RegistryEntry cached;
        try {
            cached = calls.await("look up collector " + collectorId, map.getAsync(collectorId));
        } catch (ClusterCalls.ClusterUnavailableException e) {
            return load(collectorId);
        }
        if (cached != null) {
            return cached;
        }
        RegistryEntry loaded = load(collectorId);
        RegistryEntry raced = map.putIfAbsent(collectorId, loaded, ttlOf(loaded), TimeUnit.MILLISECONDS);
        return raced != null ? raced : loaded;
    }

    private RegistryEntry load(String collectorId) {
        return collectors.findLive(UUID.fromString(collectorId)).map(RegistryEntry::of).orElseGet(RegistryEntry::absent);
    }

    /** Publishes a collector's committed state (new, renamed, enabled, disabled or deleted) to every node. */
    void publish(DCollector collector) {
        RegistryEntry entry = RegistryEntry.of(collector);
        map.set(collector.getId().toString(), entry, ttlOf(entry), TimeUnit.MILLISECONDS);
    }

    private long ttlOf(RegistryEntry entry) {
        return entry.exists() ? ttlMillis : absentTtlMillis;
    }
}
