package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}/series}: one named metric over a range.
 *
 * @param instanceId  the instance
 * @param metric      the metric's name
 * @param unit        its unit ({@code 1/s}, {@code bytes/s}, {@code ratio}, {@code connections}, {@code seconds}, {@code count})
 * @param description what it measures
 * @param resolution  the data it was computed from: {@code raw}, {@code 1m} or {@code 1h}
 * @param stepSeconds the width of each point; points start at multiples of it since the epoch
 * @param from        the range's start (inclusive)
 * @param to          the range's end (exclusive)
 * @param points      one per step that has data, in time order; never more than the server's maximum (1000)
 */
public record SeriesResponse(long instanceId, String metric, String unit, String description, String resolution,
                             long stepSeconds, Instant from, Instant to, List<SeriesPoint> points) {
    public SeriesResponse {
        points = points == null ? List.of() : List.copyOf(points);
    }
}
