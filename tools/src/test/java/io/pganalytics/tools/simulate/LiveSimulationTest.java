package io.pganalytics.tools.simulate;

import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.MetricBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running simulation as the backup drill watches it: each acknowledged batch with its sample time, and a stop. */
class LiveSimulationTest {
    @TempDir
    Path dir;
    private TestIngestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestIngestServer();
        server.acceptCredential("secret-1");
        server.acceptCredential("secret-2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void acknowledgedBatchesCarryTheirSampleTimeAndStopGeneratingEndsARunLongBeforeItsDuration() throws Exception {
        List<CollectorIdentity> identities = List.of(new CollectorIdentity("c-1", "secret-1", server.url().toString()),
                new CollectorIdentity("c-2", "secret-2", server.url().toString()));
        SimulateCommand.Plan plan = new SimulateCommand.Plan(server.url(), server.tls().newClient(Duration.ofSeconds(5)),
                identities, Duration.ofMillis(200), Duration.ofHours(1), Duration.ofSeconds(30), 16L << 20,
                dir.resolve("spools"), "test");
        AtomicReference<SimulateCommand.LiveSimulation> live = new AtomicReference<>();
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CompletableFuture<SimulationResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return SimulateCommand.drive(plan, out, live::set);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertTrue(TestIngestServer.await(Duration.ofSeconds(30), () -> live.get() != null
                && live.get().acknowledged().stream().map(AcknowledgedBatch::collectorId).distinct().count() == 2));
        live.get().stopGenerating();
        SimulationResult result = run.get(60, TimeUnit.SECONDS);

        assertTrue(result.success(), "every generated batch delivered");
        List<AcknowledgedBatch> acknowledged = live.get().acknowledged();
        assertEquals(result.generated(), acknowledged.size());
        Map<String, Instant> committed = server.committed().stream()
                .collect(Collectors.toMap(MetricBatch::batchId, b -> b.snapshots().stream().map(s -> s.collectedAt()).max(Instant::compareTo).orElseThrow()));
        for (AcknowledgedBatch batch : acknowledged) {
            Instant sampleTime = committed.get(batch.batchId());
            assertNotNull(sampleTime, "acknowledged batch " + batch.batchId() + " was committed");
            assertEquals(sampleTime, batch.sampleTime(), "the batch's newest sample time");
            assertFalse(batch.acknowledgedAt().isBefore(batch.sampleTime()));
        }
        assertEquals(result.acknowledgedBatches().size(), acknowledged.size());
    }
}
