package io.pganalytics.server.backup.restore;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * WAL file names as PostgreSQL writes them: {@code TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment number split
 * in two) and {@code TTTTTTTT.history}. The embedded PostgreSQL uses the default segment size of 16 MiB, so a
 * "log" holds 256 segments.
 */
public final class WalSegments {
    /** Segments per log id with 16 MiB segments ({@code 0x100000000 / 16 MiB}). */
    static final long SEGMENTS_PER_LOG = 0x100;
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

    private WalSegments() {
    }

    public static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches();
    }

    public static boolean isHistory(String name) {
        return HISTORY.matcher(name).matches();
    }

    public static int timeline(String segmentOrHistory) {
        return Integer.parseUnsignedInt(segmentOrHistory.substring(0, 8), 16);
    }

    /** The segment's position on its timeline: what orders segments and finds gaps. */
    public static long number(String segment) {
        requireSegment(segment);
        long log = Long.parseLong(segment.substring(8, 16), 16);
        long seg = Long.parseLong(segment.substring(16, 24), 16);
        return log * SEGMENTS_PER_LOG + seg;
    }

    /** The name of segment {@code number} on {@code timeline}. */
    public static String name(int timeline, long number) {
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / SEGMENTS_PER_LOG, number % SEGMENTS_PER_LOG);
    }

    /** The segment after {@code segment} on the same timeline. */
    public static String next(String segment) {
        return name(timeline(segment), number(segment) + 1);
    }

    static void requireSegment(String segment) {
        if (segment == null || !isSegment(segment)) {
            throw new IllegalArgumentException("not a WAL segment name: " + segment);
        }
    }
}
