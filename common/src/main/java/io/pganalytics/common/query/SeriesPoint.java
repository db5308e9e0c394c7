package io.pganalytics.common.query;

import com.fasterxml.jackson.annotation.JsonFormat;

import java.time.Instant;

/**
 * One point of a series, written as a two-element JSON array {@code ["2026-11-21T10:00:00Z", 12.5]}: the start of
 * its step and the value over that step (null when the step has data but the value is undefined, e.g. a ratio of 0/0).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record SeriesPoint(Instant time, Double value) {
}
