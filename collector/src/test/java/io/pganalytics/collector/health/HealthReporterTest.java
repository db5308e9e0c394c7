package io.pganalytics.collector.health;

import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.pganalytics.collector.testing.TestIngestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthReporterTest {
    private static final TargetRef TARGET = new TargetRef("7312", "db1", "db1.example", 5432);

    @TempDir
    Path dir;
    private Spool spool;
    private SpoolBatcher batcher;
    private Shipper shipper;

    @BeforeEach
    void open() throws Exception {
        spool = Spool.open(new SpoolSettings(dir, 64 * 1024, 16 * 1024), PayloadCodec.PLAIN, Clock.systemUTC());
        // never started: its queue of 2 fills up, so further snapshots are dropped
        batcher = new SpoolBatcher(spool, new BatchSettings(2, 100, 10, Duration.ofSeconds(1)), "test", Clock.systemUTC());
        IngestClient client = new IngestClient(ServerTls.DEFAULT.newClient(Duration.ofSeconds(1)),
                URI.create("http://127.0.0.1:9"), () -> "x", Duration.ofSeconds(1), "test", Clock.systemUTC());
        shipper = new Shipper("test", spool, client, new Quarantine(dir.resolve("q"), 0, Clock.systemUTC()),
                ShippingSettings.DEFAULTS, new Random(1), Thread.ofPlatform());
    }

    @AfterEach
    void close() throws Exception {
        batcher.close();
        spool.close();
    }

    private static Object value(Snapshot snapshot, String family, String column) {
        int index = snapshot.columns().indexOf(column);
        return snapshot.rows().stream().filter(r -> family.equals(r.getFirst())).findFirst().orElseThrow().get(index);
    }

    @Test
    void aSpoolGapAndDroppedSnapshotsAreReportedInTheCollectorRow() throws Exception {
        for (long i = 0; i < 100; i++) {
            MetricBatch batch = Samples.batch("a", i, 40);
            spool.append("a", batch.batchId(), batch.createdAt(), Samples.gzipJson(batch));
        }
        long lost = spool.stats().droppedBatches();
        assertTrue(lost > 0, "the spool dropped its oldest batches");
        batcher.publish(List.of(Samples.snapshot("a", 1), Samples.snapshot("a", 2), Samples.snapshot("a", 3)));
        assertEquals(1, batcher.droppedSnapshots());

        HealthReporter reporter = new HealthReporter(spool, batcher, shipper,
                () -> java.util.Map.of(TARGET, List.of(new FamilyTiming("database", 12.5, 3.25, 1, 2))), s -> { },
                Clock.systemUTC(), Duration.ofMinutes(1));
        List<Snapshot> snapshots = reporter.snapshots();
        assertEquals(1, snapshots.size(), "one snapshot per probed target");
        Snapshot snapshot = snapshots.getFirst();

        assertEquals(MetricCatalog.COLLECTOR_HEALTH.name(), snapshot.family());
        assertEquals(MetricCatalog.COLLECTOR_HEALTH.columnNames(), snapshot.columns());
        assertEquals(TARGET, snapshot.target(), "health is filed under the instance it concerns");
        assertEquals(lost + 1, ((Number) value(snapshot, HealthReporter.COLLECTOR_ROW, "dropped_items")).longValue());
        assertEquals(spool.stats().pendingBatches(), ((Number) value(snapshot, HealthReporter.COLLECTOR_ROW, "spool_depth")).longValue());
        assertEquals(12.5, value(snapshot, "database", "cycle_ms"));
        assertEquals(3.25, value(snapshot, "database", "query_ms"));
        assertEquals(2L, ((Number) value(snapshot, "database", "skipped_ticks")).longValue());
        snapshot.rows().forEach(row -> assertEquals(snapshot.columns().size(), row.size()));
    }

    @Test
    void healthSnapshotsArePublishedEveryInterval() throws Exception {
        List<Snapshot> published = Collections.synchronizedList(new ArrayList<>());
        HealthReporter reporter = new HealthReporter(spool, batcher, shipper, () -> java.util.Map.of(TARGET, List.of()), published::addAll,
                Clock.systemUTC(), Duration.ofMillis(100)).start();
        try {
            assertTrue(await(Duration.ofSeconds(10), () -> published.size() >= 3));
        } finally {
            reporter.close();
        }
        assertTrue(published.stream().allMatch(s -> s.family().equals("collector_health")));
    }

    @Test
    void targetsNeverReachedHaveNoHealthSnapshot() {
        HealthReporter reporter = new HealthReporter(spool, batcher, shipper, java.util.Map::of, s -> { },
                Clock.systemUTC(), Duration.ofMinutes(1));
        assertTrue(reporter.snapshots().isEmpty());
    }
}
