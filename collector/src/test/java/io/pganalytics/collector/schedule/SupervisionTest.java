package io.pganalytics.collector.schedule;

import io.pganalytics.collector.health.HealthReporter;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.DeliveryListener;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pganalytics.collector.testing.TestIngestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The spool writer and the shipper survive an unexpected error (a real fault: a listener that throws), and say so. */
@Tag("fault-and-attack")
class SupervisionTest {
    private static final ShippingSettings FAST = new ShippingSettings(Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20);
    private static final Supervisor.Policy QUICK = new Supervisor.Policy(Duration.ofMillis(20), Duration.ofMillis(100), 5,
            Duration.ofMinutes(5));

    @TempDir
    Path dir;
    private TestIngestServer server;
    private Spool spool;
    private final AtomicBoolean throwOnSpooled = new AtomicBoolean();
    private final AtomicBoolean throwOnDelivered = new AtomicBoolean();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private SpoolBatcher batcher;
    private Shipper shipper;

    @BeforeEach
    void start() throws Exception {
        server = new TestIngestServer();
        server.acceptCredential("the-credential");
        spool = Spool.open(new SpoolSettings(dir.resolve("spool"), 8 << 20, 256 * 1024), PayloadCodec.PLAIN, Clock.systemUTC());
        spool.listener(new DeliveryListener() {
            @Override
            public void spooled(long sequence, List<Snapshot> snapshots) {
                if (throwOnSpooled.getAndSet(false)) {
                    throw new RuntimeException("injected fault in the spool writer");
                }
            }

            @Override
            public void delivered(long sequence) {
                if (throwOnDelivered.getAndSet(false)) {
                    throw new RuntimeException("injected fault in the shipper");
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (shipper != null) {
            shipper.close();
            batcher.close();
        }
        spool.close();
        server.close();
    }

    private void startThreads(boolean supervisedWithHook) throws Exception {
        BatchSettings batching = new BatchSettings(1000, 1000, 1, Duration.ofMillis(50));
        IngestClient client = new IngestClient(server.tls().newClient(FAST.connectTimeout()), server.url(),
                () -> "the-credential", FAST.requestTimeout(), "test", Clock.systemUTC());
        Quarantine quarantine = new Quarantine(dir.resolve("quarantine"), 1 << 20, Clock.systemUTC());
        if (supervisedWithHook) {
            batcher = new SpoolBatcher(spool, batching, "test", Clock.systemUTC(), QUICK, exits::add).start();
            shipper = new Shipper("test", spool, client, quarantine, FAST, new Random(1), Thread.ofPlatform().daemon(),
                    QUICK, exits::add).start();
        } else {
            batcher = new SpoolBatcher(spool, batching, "test", Clock.systemUTC()).start();
            shipper = new Shipper("test", spool, client, quarantine, FAST, new Random(1), Thread.ofPlatform().daemon()).start();
        }
    }

    private List<Long> deliveredMarkers() {
        return server.committed().stream().map(Samples::marker).toList();
    }

    @Test
    void theSpoolWriterSurvivesAnUnexpectedErrorAndLaterSnapshotsAreDelivered() throws Exception {
        startThreads(false);
        throwOnSpooled.set(true);
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> !throwOnSpooled.get()), "the fault happened");
        batcher.publish(List.of(Samples.snapshot("a", 1)));
        assertTrue(await(Duration.ofSeconds(15), () -> deliveredMarkers().equals(List.of(0L, 1L))),
                "both snapshots delivered: " + deliveredMarkers());
    }

    @Test
    void theShipperSurvivesAnUnexpectedErrorAndGoesOnDelivering() throws Exception {
        startThreads(false);
        throwOnDelivered.set(true);
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> !throwOnDelivered.get()), "the fault happened");
        batcher.publish(List.of(Samples.snapshot("a", 1)));
        assertTrue(await(Duration.ofSeconds(15), () -> deliveredMarkers().equals(List.of(0L, 1L))),
                "both snapshots delivered: " + deliveredMarkers());
        assertTrue(await(Duration.ofSeconds(5), () -> spool.stats().pendingBatches() == 0), "and acknowledged");
    }

    @Test
    void restartsOfTheWriterAndTheShipperAreCountedAndTheProcessIsNotExited() throws Exception {
        startThreads(true);
        throwOnSpooled.set(true);
        throwOnDelivered.set(true);
        batcher.publish(List.of(Samples.snapshot("a", 0)));
        assertTrue(await(Duration.ofSeconds(10), () -> batcher.restarts() == 1 && shipper.restarts() == 1),
                "writer " + batcher.restarts() + ", shipper " + shipper.restarts());
        batcher.publish(List.of(Samples.snapshot("a", 1)));
        assertTrue(await(Duration.ofSeconds(15), () -> deliveredMarkers().equals(List.of(0L, 1L))), deliveredMarkers().toString());
        assertEquals(List.of(), exits);
        HealthReporter health = new HealthReporter(spool, batcher, shipper, java.util.Map::of, batcher, Clock.systemUTC(),
                Duration.ofMinutes(1));
        assertEquals(2L, health.collectorFigures().get("restarts"), "the health report counts both restarts");
        assertTrue((Long) health.collectorFigures().get("errors") >= 2, health.collectorFigures().toString());
    }

    @Test
    void aLoopThatKeepsFailingEndsTheProcessThroughTheExitHookWithANonZeroStatus() throws Exception {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        Supervisor supervisor = new Supervisor("always failing", new Supervisor.Policy(Duration.ofMillis(1),
                Duration.ofMillis(10), 4, Duration.ofMinutes(5)), statuses::add);
        Thread thread = Thread.ofPlatform().start(() -> supervisor.supervise(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("broken for good");
        }));
        thread.join(Duration.ofSeconds(10));
        assertEquals(List.of(Supervisor.EXIT_STATUS), statuses, "exited once, non-zero");
        assertTrue(Supervisor.EXIT_STATUS != 0);
        assertEquals(4, runs.get(), "run, then restarted until the limit of 4 failures in a row");
        assertEquals(4, supervisor.restarts());
        assertTrue(supervisor.gaveUp());
    }

    @Test
    void aLoopThatReturnsIsNotRestartedAndStopEndsAPendingRestart() throws Exception {
        Supervisor supervisor = new Supervisor("stops", Supervisor.Policy.DEFAULTS, status -> {
            throw new AssertionError("no exit");
        });
        AtomicInteger runs = new AtomicInteger();
        supervisor.supervise(runs::incrementAndGet);
        assertEquals(1, runs.get());
        Supervisor slow = new Supervisor("slow restart", new Supervisor.Policy(Duration.ofMinutes(1), Duration.ofMinutes(1), 3,
                Duration.ofMinutes(5)), status -> {
        });
        Thread thread = Thread.ofPlatform().start(() -> slow.supervise(() -> {
            throw new IllegalStateException("fails once");
        }));
        assertTrue(await(Duration.ofSeconds(5), () -> slow.restarts() == 1));
        slow.stop();
        thread.join(Duration.ofSeconds(5));
        assertTrue(!thread.isAlive(), "stop ends the backoff at once");
    }
}
