package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/waits}: the wait events of a range, most waited-on first.
 *
 * @param instanceId   the instance
 * @param from         the range's start
 * @param to           the range's end
 * @param resolution   raw, 1m or 1h
 * @param sampleCount  the samples the averages divide by
 * @param items        at most {@code limit} events
 */
public record WaitEvents(long instanceId, Instant from, Instant to, String resolution, long sampleCount, List<WaitSample> items) {
    public WaitEvents {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
