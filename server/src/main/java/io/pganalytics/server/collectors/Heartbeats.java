package io.pganalytics.server.collectors;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.server.cluster.ClusterCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collectors' heartbeats: the latest one of each collector in the Hazelcast map {@value #MAP}, written on every
 * accepted batch (one {@code set}, no database), and persisted to the {@code collector} table by {@link #persist()}.
 * <p>
 * Who persists: every node writes the heartbeats <em>it received</em> since its last round, and nothing else. No
 * lease or lock is needed: the work follows the traffic, a node that dies takes no one else's duty with it (the
 * collector's next batch, on whichever node, marks it again), and the write is monotonic ({@code last_seen_at} only
 * moves forward), so two nodes writing the same collector in any order leave the newest heartbeat. Each round reads
 * the map rather than what this node saw, so it writes the newest heartbeat the cluster knows. At most one interval
 * of last-seen is lost if the whole cluster dies at once; a graceful stop persists before leaving.
 */
final class Heartbeats {
    static final String MAP = "pga.collector-heartbeats";
    private static final int MAX_VERSION_LENGTH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final IMap<String, Heartbeat> map;
    private final ClusterCalls calls;
    private final CollectorRepository collectors;
    /** Collector ids this node received a heartbeat for since its last round; bounded by the number of collectors. */
    private final Set<String> received = ConcurrentHashMap.newKeySet();

    Heartbeats(HazelcastInstance hazelcast, CollectorRepository collectors) {
        this.map = hazelcast.getMap(MAP);
        this.calls = ClusterCalls.of(hazelcast);
        this.collectors = collectors;
    }

    void record(String collectorId, String collectorVersion, Instant at, Long spoolDepthBatches, Long errors) {
        String version = collectorVersion == null || collectorVersion.length() <= MAX_VERSION_LENGTH
                ? collectorVersion : collectorVersion.substring(0, MAX_VERSION_LENGTH);
        try {
            calls.await("record collector " + collectorId + "'s heartbeat", map.setAsync(collectorId,
                    new Heartbeat(at, version, spoolDepthBatches, errors)));
        } catch (ClusterCalls.ClusterUnavailableException e) {
            // a heartbeat is a figure for the screens: a member cut off must not hold the collector's request (the write
            // goes on in the background, and the next heartbeat comes soon)
            LOG.debug("collectors: {}", e.getMessage());
        }
        received.add(collectorId);
    }

    /** The live heartbeats of these collectors that the cluster holds (absent after a full restart until the next batch). */
    Map<String, Heartbeat> latest(Collection<String> collectorIds) {
        return collectorIds.isEmpty() ? Map.of() : map.getAll(new HashSet<>(collectorIds));
    }

    void forget(String collectorId) {
        received.remove(collectorId);
        map.delete(collectorId);
    }

    /**
     * Writes the heartbeats received since the last round. On failure the ids are kept for the next round.
     *
     * @return how many collector rows were updated
     */
    int persist() {
        Set<String> ids = new HashSet<>();
        for (Iterator<String> it = received.iterator(); it.hasNext(); ) {
            ids.add(it.next());
            it.remove();
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try {
            List<CollectorRepository.HeartbeatRow> rows = new ArrayList<>(ids.size());
            map.getAll(ids).forEach((id, beat) -> rows.add(new CollectorRepository.HeartbeatRow(java.util.UUID.fromString(id),
                    beat.lastSeen(), beat.collectorVersion(), beat.spoolDepthBatches(), beat.errors())));
            int written = collectors.writeHeartbeats(rows);
            LOG.debug("collectors: persisted {} heartbeat(s), {} row(s) updated", rows.size(), written);
            return written;
        } catch (RuntimeException e) {
            received.addAll(ids);
            throw e;
        }
    }
}
