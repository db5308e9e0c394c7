package io.pganalytics.collector.spool;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A durable FIFO of batches on disk.
 * <p>
 * Records are appended to segment files and forced to disk before {@link #append} returns. Every sequence up to
 * the acknowledged one is delivered (or lost to a recorded gap); it is kept in a small cursor file replaced
 * atomically, and segments whose records are all acknowledged are deleted. Reading is strictly in sequence
 * order, which keeps delivery order per target. When the segment files grow past {@code maxBytes} the oldest
 * segment is dropped and the unsent batches it held are recorded as a {@link SpoolGap}.
 * <p>
 * Thread-safe: one writer (the batcher) and one reader (the shipper) at a time is the intended use. Never
 * interrupt a thread inside a spool call: an interrupt closes the underlying file channels.
 */
public final class Spool implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int GAPS_KEPT = 100;

    private final SpoolSettings settings;
    private final AckCursor cursor;
    private final PayloadCodec codec;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final List<Segment> segments = new ArrayList<>();
    private final Deque<SpoolGap> gaps = new ArrayDeque<>();

    private long nextSequence;
    /** Every sequence at or below this one was delivered or recorded as lost. */
    private long acknowledgedSequence;
    /** Where the record after {@link #acknowledgedSequence} starts; null means "find it again". */
    private Segment readSegment;
    private long readOffset;
    private SpooledBatch head;
    private int headRecordBytes;

    private long appendedCount;
    private long acknowledgedCount;
    private long droppedCount;
    private long gapCount;
    private long discardedBytes;
    private boolean closed;
    private long wakeups;
    private volatile DeliveryListener listener = DeliveryListener.NONE;

    private Spool(SpoolSettings settings, PayloadCodec codec, Clock clock) {
        this.settings = settings;
        this.cursor = new AckCursor(settings.directory());
        this.codec = codec;
        this.clock = clock;
    }

    /** Opens (creating or recovering) the spool in {@code settings.directory()}. */
    public static Spool open(SpoolSettings settings, PayloadCodec codec, Clock clock) throws IOException {
        Spool spool = new Spool(settings, codec, clock);
        spool.recover();
        return spool;
    }

    public Path directory() {
        return settings.directory();
    }

    /** Who hears of acknowledged and lost batches (called with the spool's lock held). */
    public void listener(DeliveryListener listener) {
        this.listener = listener == null ? DeliveryListener.NONE : listener;
    }

    public DeliveryListener listener() {
        return listener;
    }

    /**
     * Appends one batch and forces it to disk.
     *
     * @return the batch's sequence
     * @throws IllegalArgumentException when the record would not fit in a segment
     */
    public long append(String targetKey, String batchId, Instant createdAt, byte[] payload) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            long sequence = nextSequence;
            byte[] stored = codec.encode(new PayloadCodec.RecordAddress(sequence, targetKey, batchId), payload);
            ByteBuffer record = RecordFormat.encode(sequence, createdAt.toEpochMilli(), targetKey, batchId,
                    codec.id(), stored);
            int recordBytes = record.remaining();
            if (recordBytes > settings.segmentBytes()) {
                throw new IllegalArgumentException("spool " + directory() + ": a batch of " + recordBytes
                        + " bytes is larger than a segment (" + settings.segmentBytes() + " bytes)");
            }
            Segment active = activeSegmentFor(sequence, recordBytes);
            long position = active.size;
            try {
                while (record.hasRemaining()) {
                    position += active.channel.write(record, position);
                }
                active.channel.force(false);
            } catch (IOException e) {
                truncateQuietly(active);
                throw e;
            }
            active.added(createdAt.toEpochMilli(), recordBytes);
            nextSequence++;
            appendedCount++;
            enforceBound();
            appended.signalAll();
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest unacknowledged batch, if any, without waiting. */
    public Optional<SpooledBatch> next() throws IOException {
        lock.lock();
        try {
            ensureOpen();
            return Optional.ofNullable(locateHead());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The oldest unacknowledged batch, waiting up to {@code timeout} for one to be appended, or until
     * {@link #wakeReaders()} (empty then).
     */
    public Optional<SpooledBatch> awaitNext(Duration timeout) throws IOException, InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            long wakeupsBefore = wakeups;
            while (true) {
                ensureOpen();
                SpooledBatch batch = locateHead();
                if (batch != null || remaining <= 0 || wakeups != wakeupsBefore) {
                    return Optional.ofNullable(batch);
                }
                remaining = appended.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes every {@link #awaitNext} return now (a reader that is stopping need not wait out its timeout). */
    public void wakeReaders() {
        lock.lock();
        try {
            wakeups++;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks every batch up to and including {@code sequence} delivered; segments that hold only delivered
     * batches are deleted. Acknowledging a sequence that was already acknowledged or dropped does nothing.
     */
    public void acknowledge(long sequence) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (sequence <= acknowledgedSequence) {
                return;
            }
            if (sequence >= nextSequence) {
                throw new IllegalArgumentException("spool " + directory() + ": cannot acknowledge " + sequence
                        + ", the newest batch is " + (nextSequence - 1));
            }
            if (head != null && head.sequence() == sequence) {
                readOffset += headRecordBytes;
            } else {
                readSegment = null;
            }
            head = null;
            acknowledgedCount += sequence - acknowledgedSequence;
            acknowledgedSequence = sequence;
            cursor.write(acknowledgedSequence);
            deleteAcknowledgedSegments();
            listener.delivered(sequence);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the oldest unacknowledged batch, {@code sequence}, as undelivered: the server refused it and it was put
     * aside (quarantined). Its listener hears it was lost, not delivered.
     */
    public void discard(long sequence) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            if (sequence <= acknowledgedSequence) {
                return;
            }
            if (sequence != acknowledgedSequence + 1) {
                throw new IllegalArgumentException("spool " + directory() + ": cannot discard " + sequence
                        + ", the oldest unacknowledged batch is " + (acknowledgedSequence + 1));
            }
            listener.lost(sequence, sequence);
            acknowledge(sequence);
        } finally {
            lock.unlock();
        }
    }

    public SpoolStats stats() {
        lock.lock();
        try {
            long bytes = segments.stream().mapToLong(s -> s.size).sum();
            return new SpoolStats(nextSequence - 1 - acknowledgedSequence, bytes, segments.size(), appendedCount,
                    acknowledgedCount, droppedCount, gapCount, discardedBytes);
        } finally {
            lock.unlock();
        }
    }

    /** The most recent gaps (at most 100), oldest first. */
    public List<SpoolGap> gaps() {
        lock.lock();
        try {
            return List.copyOf(gaps);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Segment segment : segments) {
                segment.close();
            }
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- recovery ----

    private void recover() throws IOException {
        Path directory = OwnerOnly.directory(settings.directory());
        acknowledgedSequence = cursor.read();
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> Segment.firstSequenceOf(p) >= 0)
                    .sorted(Comparator.comparingLong(Segment::firstSequenceOf))
                    .toList();
        }
        for (int i = 0; i < files.size(); i++) {
            Segment segment = openSegment(files.get(i), Segment.firstSequenceOf(files.get(i)));
            scan(segment, i == files.size() - 1);
            if (!segments.isEmpty()) {
                recordLostBetween(segments.getLast(), segment);
            }
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            nextSequence = acknowledgedSequence + 1;
        } else {
            acknowledgedSequence = Math.max(acknowledgedSequence, segments.getFirst().firstSequence - 1);
            nextSequence = segments.getLast().lastSequence() + 1;
        }
        if (nextSequence <= acknowledgedSequence) {
            LOG.warn("spool {}: the acknowledgement cursor {} is past the newest batch {}; starting after the cursor",
                    directory, acknowledgedSequence, nextSequence - 1);
            nextSequence = acknowledgedSequence + 1;
            if (!segments.isEmpty()) {
                segments.getLast().sealed = true;
            }
        }
        deleteAcknowledgedSegments();
        long pending = nextSequence - 1 - acknowledgedSequence;
        LOG.info("spool {}: recovered {} unsent batches in {} segments", directory, pending, segments.size());
    }

    /** Reads every record of a segment, truncating it at the first one that does not hold together. */
    private void scan(Segment segment, boolean newest) throws IOException {
        long fileSize = segment.channel.size();
        long offset = 0;
        while (offset < fileSize) {
            RecordFormat.Entry entry;
            try {
                entry = RecordFormat.read(segment.channel, offset, fileSize);
                long expected = segment.firstSequence + segment.count;
                if (entry.sequence() != expected) {
                    throw new RecordFormat.CorruptRecordException("sequence " + entry.sequence() + " where "
                            + expected + " was expected");
                }
            } catch (RecordFormat.CorruptRecordException e) {
                long discarded = fileSize - offset;
                if (newest) {
                    LOG.warn("spool {}: discarding a torn tail of {} bytes at offset {} ({})",
                            segment.path, discarded, offset, e.getMessage());
                } else {
                    LOG.error("spool {}: discarding {} bytes after a corrupt record at offset {} ({})",
                            segment.path, discarded, offset, e.getMessage());
                }
                discardedBytes += discarded;
                segment.channel.truncate(offset);
                segment.channel.force(true);
                return;
            }
            segment.added(entry.createdAtMillis(), entry.recordBytes());
            offset += entry.recordBytes();
        }
    }

    /** Sequences missing between two segments were in a corrupt part of the earlier one. */
    private void recordLostBetween(Segment earlier, Segment later) {
        long firstLost = Math.max(earlier.lastSequence() + 1, acknowledgedSequence + 1);
        long lost = later.firstSequence - firstLost;
        if (lost > 0) {
            recordGap(lost, null, null, "corrupt segment " + earlier.path.getFileName());
        }
    }

    // ---- reading ----

    /** Finds (and caches) the record after the acknowledged sequence; null when everything was delivered. */
    private SpooledBatch locateHead() throws IOException {
        while (head == null && acknowledgedSequence + 1 < nextSequence) {
            if (readSegment == null || !segments.contains(readSegment)) {
                readSegment = segments.stream().filter(s -> s.lastSequence() > acknowledgedSequence)
                        .findFirst().orElseThrow();
                readOffset = 0;
            } else if (readOffset >= readSegment.size) {
                int index = segments.indexOf(readSegment);
                if (index + 1 >= segments.size()) {
                    throw new IllegalStateException("spool " + directory() + ": batch " + (acknowledgedSequence + 1)
                            + " is not in " + segments);
                }
                readSegment = segments.get(index + 1);
                readOffset = 0;
            }
            try {
                RecordFormat.Entry entry = RecordFormat.read(readSegment.channel, readOffset, readSegment.size);
                if (entry.sequence() <= acknowledgedSequence) {
                    readOffset += entry.recordBytes();
                    continue;
                }
                byte[] payload;
                try {
                    payload = codec.decode(entry.codecId(),
                            new PayloadCodec.RecordAddress(entry.sequence(), entry.targetKey(), entry.batchId()),
                            entry.storedPayload());
                } catch (PayloadCodec.UnreadablePayloadException e) {
                    skipUnreadable(readSegment, entry, e.getMessage());
                    continue;
                }
                head = new SpooledBatch(entry.sequence(), entry.targetKey(), entry.batchId(),
                        Instant.ofEpochMilli(entry.createdAtMillis()), payload);
                headRecordBytes = entry.recordBytes();
            } catch (RecordFormat.CorruptRecordException e) {
                skipCorruptRest(readSegment, e.getMessage());
            }
        }
        return head;
    }

    /**
     * A record whose frame holds (magic, length, checksum) but whose payload cannot be read: it does not authenticate
     * (altered with its checksum recomputed, moved, sealed under another key) or no codec here reads it. Never send it;
     * the records after it are intact, so only this one batch is lost.
     */
    private void skipUnreadable(Segment segment, RecordFormat.Entry entry, String problem) throws IOException {
        LOG.error("spool {}: the record of batch {} at offset {} cannot be read ({}); skipping it, the batches after it "
                + "still ship", segment.path, entry.sequence(), readOffset, problem);
        Instant createdAt = Instant.ofEpochMilli(entry.createdAtMillis());
        recordGap(1, createdAt, createdAt, "unreadable record at offset " + readOffset + " of " + segment.path.getFileName());
        listener.lost(entry.sequence(), entry.sequence());
        acknowledgedSequence = entry.sequence();
        readOffset += entry.recordBytes();
        cursor.write(acknowledgedSequence);
        deleteAcknowledgedSegments();
    }

    /** A record that was sound when written no longer is: never send it, record the loss, go on. */
    private void skipCorruptRest(Segment segment, String problem) throws IOException {
        long lost = segment.lastSequence() - acknowledgedSequence;
        LOG.error("spool {}: corrupt record at offset {} ({}); skipping the {} unsent batches after it",
                segment.path, readOffset, problem, lost);
        recordGap(lost, null, null, "corrupt record in " + segment.path.getFileName());
        acknowledgedSequence = segment.lastSequence();
        segment.sealed = true;
        readSegment = null;
        cursor.write(acknowledgedSequence);
        deleteAcknowledgedSegments();
    }

    // ---- writing and bounding ----

    private Segment activeSegmentFor(long sequence, int recordBytes) throws IOException {
        Segment active = segments.isEmpty() ? null : segments.getLast();
        if (active != null && active.count == 0 && active.firstSequence != sequence) {
            segments.removeLast();
            deleteSegment(active);
            active = null;
        }
        if (active == null || active.sealed || (active.count > 0 && active.size + recordBytes > settings.segmentBytes())) {
            active = openSegment(settings.directory().resolve(Segment.fileName(sequence)), sequence);
            AckCursor.syncDirectory(settings.directory());
            segments.add(active);
        }
        return active;
    }

    private void enforceBound() throws IOException {
        long total = segments.stream().mapToLong(s -> s.size).sum();
        while (total > settings.maxBytes() && segments.size() > 1) {
            Segment oldest = segments.removeFirst();
            total -= oldest.size;
            dropUnsent(oldest, total);
            deleteSegment(oldest);
        }
    }

    private void dropUnsent(Segment oldest, long bytesLeft) throws IOException {
        if (oldest.lastSequence() <= acknowledgedSequence) {
            return;
        }
        long firstLost = Math.max(oldest.firstSequence, acknowledgedSequence + 1);
        long lost = oldest.lastSequence() - firstLost + 1;
        Instant from = firstLost == oldest.firstSequence
                ? Instant.ofEpochMilli(oldest.minCreatedMillis) : createdAtOf(oldest, firstLost);
        Instant to = Instant.ofEpochMilli(oldest.maxCreatedMillis);
        LOG.warn("spool {}: full ({} bytes left, max {}); dropped the {} oldest unsent batches, created {} to {}",
                directory(), bytesLeft, settings.maxBytes(), lost, from, to);
        recordGap(lost, from, to, "spool full");
        listener.lost(firstLost, oldest.lastSequence());
        acknowledgedSequence = oldest.lastSequence();
        if (head != null && head.sequence() <= acknowledgedSequence) {
            head = null;
        }
        if (readSegment == oldest) {
            readSegment = null;
        }
        cursor.write(acknowledgedSequence);
    }

    private Instant createdAtOf(Segment segment, long sequence) throws IOException {
        long offset = 0;
        try {
            while (offset < segment.size) {
                RecordFormat.Entry entry = RecordFormat.read(segment.channel, offset, segment.size);
                if (entry.sequence() == sequence) {
                    return Instant.ofEpochMilli(entry.createdAtMillis());
                }
                offset += entry.recordBytes();
            }
        } catch (RecordFormat.CorruptRecordException e) {
            LOG.debug("spool {}: corrupt record while dating a gap: {}", segment.path, e.getMessage());
        }
        return Instant.ofEpochMilli(segment.minCreatedMillis);
    }

    private void recordGap(long batches, Instant from, Instant to, String reason) {
        gaps.addLast(new SpoolGap(batches, from, to, clock.instant(), reason));
        while (gaps.size() > GAPS_KEPT) {
            gaps.removeFirst();
        }
        gapCount++;
        droppedCount += batches;
    }

    private void deleteAcknowledgedSegments() throws IOException {
        while (segments.size() > 1 && segments.getFirst().lastSequence() <= acknowledgedSequence) {
            Segment done = segments.removeFirst();
            if (readSegment == done) {
                readSegment = null;
            }
            deleteSegment(done);
        }
    }

    // ---- files ----

    private static Segment openSegment(Path path, long firstSequence) throws IOException {
        FileChannel channel = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new Segment(path, firstSequence, channel);
    }

    private void deleteSegment(Segment segment) throws IOException {
        segment.close();
        Files.deleteIfExists(segment.path);
    }

    private void truncateQuietly(Segment segment) {
        try {
            segment.channel.truncate(segment.size);
        } catch (IOException e) {
            LOG.warn("spool {}: could not cut a failed append back to {} bytes; recovery will discard it: {}",
                    segment.path, segment.size, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("spool " + settings.directory() + " is closed");
        }
    }
}
