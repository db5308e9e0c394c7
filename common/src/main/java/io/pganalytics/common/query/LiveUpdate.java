package io.pganalytics.common.query;

import java.time.Instant;
import java.util.Map;

/**
 * One event of {@code GET /api/v1/instances/{id}/live} (server-sent event {@code update}, its {@code data} this record as
 * JSON): the key figures a batch brought for the instance.
 *
 * @param eventId     the SSE {@code id:}; increasing per instance across the cluster (send it back as Last-Event-ID)
 * @param instanceId  the instance
 * @param name        its name
 * @param collectedAt the newest sample of the batch
 * @param families    the metric families the batch carried
 * @param figures     tps, commits_per_second, cache_hit_ratio, connections, active_connections, max_connections,
 *                    longest_transaction_seconds, replication_lag_seconds, deadlocks, conflicts, host_cpu_busy_ratio,
 *                    host_memory_used_ratio... (only those the batch carried)
 * @param waits       backends per wait event ({@code Lock:transactionid}, {@code CPU}) at the batch's last wait sample
 */
public record LiveUpdate(long eventId, long instanceId, String name, Instant collectedAt, java.util.List<String> families,
                         Map<String, Double> figures, Map<String, Long> waits) {
    public LiveUpdate {
        families = families == null ? java.util.List.of() : java.util.List.copyOf(families);
        figures = figures == null ? Map.of() : Map.copyOf(figures);
        waits = waits == null ? Map.of() : Map.copyOf(waits);
    }
}
