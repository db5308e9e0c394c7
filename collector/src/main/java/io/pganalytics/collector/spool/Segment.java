package io.pganalytics.collector.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One segment file: its records' sequence range, size and time range, and the channel to it. */
final class Segment implements Closeable {
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".log";

    final Path path;
    final long firstSequence;
    final FileChannel channel;
    long size;
    long count;
    long minCreatedMillis = Long.MAX_VALUE;
    long maxCreatedMillis = Long.MIN_VALUE;
    /** No more appends: a corrupt record was found in it, so new records go to a fresh segment. */
    boolean sealed;

    Segment(Path path, long firstSequence, FileChannel channel) {
        this.path = path;
        this.firstSequence = firstSequence;
        this.channel = channel;
    }

    long lastSequence() {
        return firstSequence + count - 1;
    }

    void added(long createdAtMillis, int recordBytes) {
        count++;
        size += recordBytes;
        minCreatedMillis = Math.min(minCreatedMillis, createdAtMillis);
        maxCreatedMillis = Math.max(maxCreatedMillis, createdAtMillis);
    }

    static String fileName(long firstSequence) {
        return String.format("%s%020d%s", PREFIX, firstSequence, SUFFIX);
    }

    /** The first sequence encoded in a segment file's name, or -1 when the name is not a segment's. */
    static long firstSequenceOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + firstSequence + ".." + lastSequence() + ", " + size + " bytes]";
    }
}
