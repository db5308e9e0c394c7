package io.pganalytics.collector.ship;

import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.collector.testing.TestIngestServer.Received;
import io.pganalytics.collector.testing.TestIngestServer.Scripted;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static io.pganalytics.collector.testing.TestIngestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class ShipperTest {
    private static final ShippingSettings FAST = new ShippingSettings(Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20);

    @TempDir
    Path dir;
    private TestIngestServer server;
    private Spool spool;
    private SpoolBatcher batcher;
    private Quarantine quarantine;
    private Shipper shipper;

    @BeforeEach
    void start() throws IOException {
        server = new TestIngestServer();
        server.acceptCredential("the-credential");
        spool = Spool.open(new SpoolSettings(dir.resolve("spool"), 8 << 20, 256 * 1024), PayloadCodec.PLAIN, Clock.systemUTC());
        batcher = new SpoolBatcher(spool, new BatchSettings(1000, 1000, 5, Duration.ofMillis(100)), "test", Clock.systemUTC()).start();
        quarantine = new Quarantine(dir.resolve("quarantine"), 1 << 20, Clock.systemUTC());
        IngestClient client = new IngestClient(server.tls().newClient(FAST.connectTimeout()), server.url(),
                () -> "the-credential", FAST.requestTimeout(), "test", Clock.systemUTC());
        shipper = new Shipper("test", spool, client, quarantine, FAST, new Random(1), Thread.ofPlatform().daemon());
    }

    @AfterEach
    void stop() throws IOException {
        shipper.close();
        batcher.close();
        spool.close();
        server.close();
    }

    @Test
    void batchesAccumulateOnDiskWhileTheServerIsDownAndAreDeliveredExactlyOnceInOrderPerTargetWhenItReturns() throws Exception {
        server.down();
        shipper.start();
        Map<String, Long> nextMarker = new HashMap<>(Map.of("a", 0L, "b", 0L, "c", 0L));
        for (int interval = 0; interval < 6; interval++) {
            List<Snapshot> published = new ArrayList<>();
            for (String target : List.of("a", "b", "c")) {
                for (int i = 0; i < 4; i++) {
                    published.add(Samples.snapshot(target, nextMarker.merge(target, 1L, Long::sum) - 1));
                }
            }
            batcher.publish(published);
            long spooledBefore = batcher.spooledBatches();
            assertTrue(await(Duration.ofSeconds(10), () -> batcher.spooledBatches() > spooledBefore),
                    "interval " + interval + " was spooled");
        }
        batcher.close(); // spools whatever is still queued or pending, as a shutdown would
        long pending = spool.stats().pendingBatches();
        assertTrue(pending >= 15, "every interval's batches wait on disk: " + pending);
        assertTrue(spool.stats().bytes() > 0, "the batches are on disk");
        assertTrue(shipper.stats().failures() > 0, "the shipper kept trying");
        assertTrue(server.received().isEmpty());

        server.up();
        assertTrue(await(Duration.ofSeconds(20), () -> spool.stats().pendingBatches() == 0), "the spool drains");
        List<MetricBatch> committed = server.committed();
        assertTrue(committed.size() >= pending);
        assertEquals(0, server.duplicateCount(), "no batch was sent twice");
        Set<String> keys = new HashSet<>();
        committed.forEach(b -> assertTrue(keys.add(b.batchId())));
        Map<String, List<Long>> markersPerTarget = new HashMap<>();
        for (MetricBatch batch : committed) {
            for (Snapshot snapshot : batch.snapshots()) {
                markersPerTarget.computeIfAbsent(snapshot.target().name(), t -> new ArrayList<>())
                        .add(((Number) snapshot.rows().getFirst().get(2)).longValue());
            }
        }
        for (String target : List.of("a", "b", "c")) {
            List<Long> expected = java.util.stream.LongStream.range(0, 24).boxed().toList();
            assertEquals(expected, markersPerTarget.get(target), "target " + target + ": every snapshot once, in order");
        }
        // the shipper counts an acknowledgement just after the spool let the batch go: wait for the count, not only the spool
        assertTrue(await(Duration.ofSeconds(5), () -> shipper.stats().acknowledged() == committed.size()),
                committed.size() + " committed, " + shipper.stats().acknowledged() + " counted");
    }

    @Test
    void retryAfterOf503And429IsWaitedForBeforeTheNextAttempt() throws Exception {
        server.script(new Scripted(503, 2), new Scripted(429, 1));
        shipper.start();
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(20), () -> server.committed().size() == 1));
        List<Received> received = server.received();
        assertEquals(List.of(503, 429, 200), received.stream().map(Received::status).toList());
        Duration first = Duration.between(received.get(0).at(), received.get(1).at());
        Duration second = Duration.between(received.get(1).at(), received.get(2).at());
        assertTrue(first.toMillis() >= 1900, "waited " + first + " after Retry-After: 2");
        assertTrue(second.toMillis() >= 900, "waited " + second + " after Retry-After: 1");
        assertEquals(received.get(0).idempotencyKey(), received.get(2).idempotencyKey(), "the same batch is retried");
        assertEquals(2, shipper.stats().retryLater());
    }

    @Test
    void aBatchRefusedWith400IsQuarantinedNotResentAndTheNextBatchIsDelivered() throws Exception {
        server.script(new Scripted(400, null));
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 1));
        batcher.publish(List.of(Samples.snapshot("a", 1)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 2));
        shipper.start();
        assertTrue(await(Duration.ofSeconds(10), () -> server.committed().size() == 1 && spool.stats().pendingBatches() == 0));
        List<Received> received = server.received();
        assertEquals(List.of(400, 200), received.stream().map(Received::status).toList(), "the refused batch is not resent");
        assertEquals(1L, Samples.marker(server.committed().getFirst()));
        assertEquals(1, shipper.stats().quarantined());
        try (Stream<Path> files = Files.list(quarantine.directory())) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            Path payload = quarantine.directory().resolve(names.stream().filter(n -> n.endsWith(".json.gz")).findFirst().orElseThrow());
            assertEquals(0L, Samples.marker(Samples.parseGzipJson(Files.readAllBytes(payload))));
            String reason = Files.readString(quarantine.directory().resolve(names.stream().filter(n -> n.endsWith(".reason.txt")).findFirst().orElseThrow()));
            assertTrue(reason.contains("scripted answer 400"), reason);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "HTTP {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {403, 409, 413, 415, 422})
    void aBatchTheServerRefusesPermanentlyIsQuarantinedOnceAndTheFollowingBatchesAreDelivered(int status) throws Exception {
        server.script(new Scripted(status, null));
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 1));
        batcher.publish(List.of(Samples.snapshot("a", 1)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 2));
        batcher.publish(List.of(Samples.snapshot("a", 2)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 3));
        shipper.start();
        assertTrue(await(Duration.ofSeconds(10), () -> server.committed().size() == 2 && spool.stats().pendingBatches() == 0),
                "the spool does not stall behind the refused batch: " + server.received());
        assertEquals(List.of(status, 200, 200), server.received().stream().map(Received::status).toList(), "never resent");
        assertEquals(List.of(1L, 2L), server.committed().stream().map(Samples::marker).toList());
        assertEquals(1, shipper.stats().quarantined());
        try (Stream<Path> files = Files.list(quarantine.directory())) {
            assertEquals(2, files.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "HTTP {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {401, 408, 500, 502})
    void aTransientOrCollectorLevelAnswerIsRetriedNotQuarantined(int status) throws Exception {
        server.script(new Scripted(status, null));
        shipper.start();
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> server.committed().size() == 1));
        List<Received> received = server.received();
        assertEquals(List.of(status, 200), received.stream().map(Received::status).toList());
        assertEquals(received.get(0).idempotencyKey(), received.get(1).idempotencyKey(), "the same batch is retried");
        assertEquals(0, shipper.stats().quarantined());
    }

    @Test
    void everyRequestCarriesTheProtocolHeaders() throws Exception {
        shipper.start();
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> server.committed().size() == 1));
        Received received = server.received().getFirst();
        assertEquals("Bearer the-credential", received.authorization());
        assertEquals(received.batch().batchId(), received.idempotencyKey());
        assertEquals(MetricBatch.SCHEMA_VERSION, received.batch().schemaVersion());
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        Clock clock = Clock.fixed(java.time.Instant.parse("2025-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(120), IngestClient.parseRetryAfter("120", clock).orElseThrow());
        assertEquals(Duration.ofSeconds(30), IngestClient.parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", clock).orElseThrow());
        assertTrue(IngestClient.parseRetryAfter("soon", clock).isEmpty());
    }
}
