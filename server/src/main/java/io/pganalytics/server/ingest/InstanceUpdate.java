package io.pganalytics.server.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one stored batch changed for one monitored instance: published after the commit, so that the live stream
 * and the query cache on every node hear of it.
 *
 * @param instanceId  the instance's inventory id
 * @param name        its name
 * @param collectedAt the latest sample in the batch
 * @param families    the families the batch carried for it
 * @param figures     the key figures computed from the batch ({@code tps}, {@code connections}, ...)
 * @param waits       backends per wait event at the batch's last wait sample
 */
public record InstanceUpdate(long instanceId, String name, Instant collectedAt, List<String> families,
                             Map<String, Double> figures, Map<String, Long> waits) {
    public InstanceUpdate {
        families = List.copyOf(families);
        figures = Map.copyOf(figures);
        waits = Map.copyOf(waits);
    }
}
