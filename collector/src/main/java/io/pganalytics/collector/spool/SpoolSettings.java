package io.pganalytics.collector.spool;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the spool lives and how big it may grow.
 *
 * @param directory    the spool's own directory (created when missing)
 * @param maxBytes     the most bytes of segment files kept; past it the oldest batches are dropped
 * @param segmentBytes the size at which a segment is closed and a new one started; at most a quarter of
 *                     {@code maxBytes}, so that dropping one segment frees a bounded share of the spool
 */
public record SpoolSettings(Path directory, long maxBytes, long segmentBytes) {
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;
    /** The smallest spool accepted: a few batches of a mid-size instance. */
    public static final long MIN_MAX_BYTES = 64L * 1024;

    public SpoolSettings {
        Objects.requireNonNull(directory, "directory");
        if (maxBytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException("spool max bytes " + maxBytes + " is below the minimum " + MIN_MAX_BYTES);
        }
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("spool segment bytes must be positive, got " + segmentBytes);
        }
        segmentBytes = Math.min(segmentBytes, maxBytes / 4);
    }

    public static SpoolSettings defaults(Path directory) {
        return new SpoolSettings(directory, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES);
    }
}
