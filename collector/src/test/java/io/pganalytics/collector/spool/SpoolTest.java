package io.pganalytics.collector.spool;

import io.pganalytics.collector.testing.Samples;
import io.pganalytics.common.wire.MetricBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolTest {
    @TempDir
    Path dir;

    private Spool open(long maxBytes, long segmentBytes) throws IOException {
        return Spool.open(new SpoolSettings(dir, maxBytes, segmentBytes), PayloadCodec.PLAIN, Clock.systemUTC());
    }

    private static long append(Spool spool, String target, long marker, int padRows) throws IOException {
        MetricBatch batch = Samples.batch(target, marker, padRows);
        return spool.append(target, batch.batchId(), batch.createdAt(), Samples.gzipJson(batch));
    }

    /** Reads and acknowledges everything, returning the markers in delivery order. */
    private static List<Long> drain(Spool spool) throws IOException {
        List<Long> markers = new ArrayList<>();
        for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
            MetricBatch batch = Samples.parseGzipJson(next.get().payload());
            assertEquals(batch.batchId(), next.get().batchId());
            markers.add(Samples.marker(batch));
            spool.acknowledge(next.get().sequence());
        }
        return markers;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    @Test
    void aWaitingReaderReturnsWithTheBatchAppendedOrEmptyWhenWokenAndNotAfterItsTimeout() throws Exception {
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            java.util.concurrent.CompletableFuture<Optional<SpooledBatch>> appended = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> await(spool));
            Thread.sleep(200);
            assertFalse(appended.isDone(), "still waiting: nothing was appended");
            byte[] payload = Samples.gzipJson(Samples.batch("a", 0, 0));
            spool.append("a", "batch-0000", Instant.now(), payload);
            SpooledBatch batch = appended.get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
            assertArrayEquals(payload, batch.payload());
            spool.acknowledge(batch.sequence());

            java.util.concurrent.CompletableFuture<Optional<SpooledBatch>> woken = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> await(spool));
            Thread.sleep(200);
            assertFalse(woken.isDone());
            spool.wakeReaders();
            assertTrue(woken.get(10, java.util.concurrent.TimeUnit.SECONDS).isEmpty(), "woken long before its 5-minute timeout");
        }
    }

    private static Optional<SpooledBatch> await(Spool spool) {
        try {
            return spool.awaitNext(java.time.Duration.ofMinutes(5));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void unacknowledgedBatchesSurviveReopeningInAppendOrder() throws IOException {
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            for (long i = 0; i < 50; i++) {
                append(spool, i % 2 == 0 ? "a" : "b", i, 20);
            }
            assertTrue(segmentFiles().size() > 1, "small segments roll over");
        }
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            assertEquals(50, spool.stats().pendingBatches());
            assertEquals(java.util.stream.LongStream.range(0, 50).boxed().toList(), drain(spool));
        }
    }

    @Test
    void acknowledgedBatchesAreNotReadAgainAndTheirSegmentsAreDeleted() throws IOException {
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            for (long i = 0; i < 40; i++) {
                append(spool, "a", i, 20);
            }
            int segmentsBefore = segmentFiles().size();
            for (int i = 0; i < 30; i++) {
                spool.acknowledge(spool.next().orElseThrow().sequence());
            }
            assertTrue(segmentFiles().size() < segmentsBefore, "fully acknowledged segments are deleted");
        }
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            assertEquals(java.util.stream.LongStream.range(30, 40).boxed().toList(), drain(spool));
            assertEquals(0, spool.stats().pendingBatches());
            assertEquals(1, segmentFiles().size(), "only the active segment is left");
        }
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            assertTrue(spool.next().isEmpty(), "nothing is delivered twice after a restart");
            append(spool, "a", 99, 0);
            assertEquals(List.of(99L), drain(spool));
        }
    }

    @Test
    void garbageAppendedToTheNewestSegmentIsDiscardedAndEverythingBeforeItRecovered() throws IOException {
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            for (long i = 0; i < 10; i++) {
                append(spool, "a", i, 5);
            }
        }
        Path newest = segmentFiles().getLast();
        long validSize = Files.size(newest);
        Files.write(newest, new byte[]{0x50, 0x47, 0x41, 0x31, 0, 0, 0x10, 0, 1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            assertEquals(validSize, Files.size(newest), "the torn tail is cut off");
            assertTrue(spool.stats().discardedBytes() > 0);
            append(spool, "a", 10, 0);
            assertEquals(java.util.stream.LongStream.rangeClosed(0, 10).boxed().toList(), drain(spool));
        }
    }

    @Test
    void aRecordCutShortByACrashIsDiscardedButTheRecordsBeforeItAreKept() throws IOException {
        try (Spool spool = open(1 << 20, 256 * 1024)) {
            for (long i = 0; i < 5; i++) {
                append(spool, "a", i, 50);
            }
        }
        Path newest = segmentFiles().getLast();
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 17);
        }
        try (Spool spool = open(1 << 20, 256 * 1024)) {
            assertEquals(List.of(0L, 1L, 2L, 3L), drain(spool));
        }
    }

    @Test
    void aFlippedBitInAStoredRecordIsNeverDeliveredAndIsReportedAsAGap() throws IOException {
        try (Spool spool = open(1 << 20, 16 * 1024)) {
            for (long i = 0; i < 3; i++) {
                append(spool, "a", i, 5);
            }
            Path segment = segmentFiles().getFirst();
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long middle = channel.size() / 2;
                ByteBuffer one = ByteBuffer.allocate(1);
                channel.read(one, middle);
                one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
                channel.write(one, middle);
            }
            List<Long> delivered = drain(spool);
            assertFalse(delivered.contains(1L), "the corrupt record is not delivered");
            assertEquals(1, spool.stats().gaps());
            assertTrue(spool.stats().droppedBatches() >= 1);
            append(spool, "a", 7, 0);
            assertEquals(List.of(7L), drain(spool), "appends after the corruption are delivered");
        }
    }

    @Test
    void fillingPastMaxBytesDropsTheOldestBatchesAndRecordsTheGap() throws IOException {
        long maxBytes = 64 * 1024;
        try (Spool spool = open(maxBytes, 16 * 1024)) {
            for (long i = 0; i < 200; i++) {
                append(spool, "a", i, 10);
                assertTrue(spool.stats().bytes() <= maxBytes, "the spool stays within max-bytes");
            }
            SpoolStats stats = spool.stats();
            assertTrue(stats.droppedBatches() > 0);
            assertEquals(200, stats.pendingBatches() + stats.droppedBatches());
            List<SpoolGap> gaps = spool.gaps();
            assertFalse(gaps.isEmpty());
            SpoolGap first = gaps.getFirst();
            assertEquals("spool full", first.reason());
            assertNotNull(first.from());
            assertTrue(!first.from().isAfter(first.to()));
            List<Long> delivered = drain(spool);
            assertEquals(199L, delivered.getLast(), "the newest batches are kept");
            assertEquals(200 - stats.droppedBatches(), delivered.size());
            assertEquals(stats.droppedBatches(), delivered.getFirst(), "exactly the oldest were dropped");
        }
    }

    @Test
    void aBatchLargerThanASegmentIsRefusedWithoutTouchingTheSpool() throws IOException {
        try (Spool spool = open(64 * 1024, 16 * 1024)) {
            byte[] big = new byte[20 * 1024];
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> spool.append("a", "id", Instant.now(), big));
            append(spool, "a", 1, 0);
            assertEquals(List.of(1L), drain(spool));
        }
    }

    @Test
    void payloadIsStoredThroughTheCodec() throws IOException {
        PayloadCodec reversing = new PayloadCodec() {
            public byte id() {
                return 9;
            }

            public byte[] encode(PayloadCodec.RecordAddress address, byte[] payload) {
                byte[] out = payload.clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) ~out[i];
                }
                return out;
            }

            public byte[] decode(byte storedId, PayloadCodec.RecordAddress address, byte[] stored) {
                return encode(address, stored);
            }
        };
        byte[] payload = Samples.gzipJson(Samples.batch("a", 1, 0));
        try (Spool spool = Spool.open(new SpoolSettings(dir, 1 << 20, 64 * 1024), reversing, Clock.systemUTC())) {
            spool.append("a", "id-1", Instant.now(), payload);
            assertArrayEquals(payload, spool.next().orElseThrow().payload());
        }
        byte[] stored = Files.readAllBytes(segmentFiles().getFirst());
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(new String(payload, 0, 10, java.nio.charset.StandardCharsets.ISO_8859_1)));
    }
}
