package io.pganalytics.collector.spool;

import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.MetricBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolCrashRecoveryTest {
    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor();
        }
    }

    private long spoolBytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private Path newestSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).sorted().toList().getLast();
        }
    }

    private Spool open() throws IOException {
        return Spool.open(new SpoolSettings(dir, 1L << 30, 256 * 1024), PayloadCodec.PLAIN, Clock.systemUTC());
    }

    @Test
    void aWriterKilledWithSigkillMidWriteLeavesAGaplessPrefixOfValidBatchesAndOnlyATornTailIsDiscarded() throws Exception {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
                SpoolWriterProcess.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve("child.log").toFile())
                .start();
        long killAt = 1_000_000 + ThreadLocalRandom.current().nextLong(500_000);
        assertTrue(TestIngestServer.await(Duration.ofSeconds(60), () -> spoolBytes() > killAt || !child.isAlive()),
                "the child wrote to the spool");
        assertTrue(child.isAlive(), "the child was still writing when killed");
        child.destroyForcibly();
        assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));

        long recovered;
        long validSize;
        try (Spool spool = open()) {
            recovered = spool.stats().pendingBatches();
            assertTrue(recovered > 10, "batches written before the kill are recovered: " + recovered);
            validSize = Files.size(newestSegment());
        }

        // a torn write on top: a plausible header and half a body, then random bytes
        byte[] torn = new byte[300];
        ThreadLocalRandom.current().nextBytes(torn);
        java.nio.ByteBuffer.wrap(torn).putInt(RecordFormat.MAGIC).putInt(4000);
        Files.write(newestSegment(), torn, StandardOpenOption.APPEND);

        try (Spool spool = open()) {
            assertEquals(recovered, spool.stats().pendingBatches(), "only the torn tail is discarded");
            assertEquals(validSize, Files.size(newestSegment()));
            List<Long> markers = new ArrayList<>();
            for (Optional<SpooledBatch> next = spool.next(); next.isPresent(); next = spool.next()) {
                MetricBatch batch = Samples.parseGzipJson(next.get().payload());
                assertEquals(next.get().batchId(), batch.batchId());
                markers.add(Samples.marker(batch));
                spool.acknowledge(next.get().sequence());
            }
            assertEquals(recovered, markers.size());
            for (int i = 0; i < markers.size(); i++) {
                assertEquals(i, markers.get(i), "recovered batches are a gapless prefix in order");
            }
        }
    }
}
