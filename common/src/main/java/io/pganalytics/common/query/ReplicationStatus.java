package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/replication}: the latest replication state. Samples older than the instance's latest
 * collection by more than the freshness window (5 minutes) are treated as gone: a replica that disconnected
 * is no longer listed.
 *
 * @param instanceId  the instance
 * @param role        primary or standby (null if unknown)
 * @param collectedAt when the replicas below were sampled, or null without any
 * @param replicas    its standbys (a primary)
 * @param slots       its replication slots
 * @param walReceiver its WAL receiver (a standby), or null
 */
public record ReplicationStatus(long instanceId, String role, Instant collectedAt, List<Replica> replicas,
                                List<ReplicationSlot> slots, WalReceiver walReceiver) {
    public ReplicationStatus {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
        slots = slots == null ? List.of() : List.copyOf(slots);
    }
}
