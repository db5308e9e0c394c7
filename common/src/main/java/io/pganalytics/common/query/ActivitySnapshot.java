package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/activity}: the latest activity sample and blocking chains.
 *
 * @param instanceId  the instance
 * @param collectedAt when the activity was sampled, or null without any
 * @param totals      all databases together (datname {@code *}), or null
 * @param databases   per database, by name
 * @param blocked     backends waiting on locks at the latest locks sample near it (at most 500)
 */
public record ActivitySnapshot(long instanceId, Instant collectedAt, DatabaseActivity totals, List<DatabaseActivity> databases,
                               List<BlockedSession> blocked) {
    public ActivitySnapshot {
        databases = databases == null ? List.of() : List.copyOf(databases);
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
    }
}
