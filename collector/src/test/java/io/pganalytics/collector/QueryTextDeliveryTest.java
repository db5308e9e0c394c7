package io.pganalytics.collector;

import io.pganalytics.collector.catalog.QueryTextLedger;
import io.pganalytics.collector.catalog.QueryTextLedger.TextKey;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.collector.spool.BatchSettings;
import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.spool.SpoolSettings;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.collector.testing.TestIngestServer.Scripted;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.pganalytics.collector.testing.TestIngestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A query text goes until the server has acknowledged it: through the real batcher, spool, shipper and HTTP, the
 * {@link QueryTextLedger} hears of acknowledged, refused, dropped and never-spooled batches.
 */
class QueryTextDeliveryTest {
    private static final ShippingSettings FAST = new ShippingSettings(Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5), 1 << 20);
    private static final TargetRef TARGET = Samples.target("texts");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;
    private TestIngestServer server;
    private Spool spool;
    private SpoolBatcher batcher;
    private Shipper shipper;
    private final QueryTextLedger ledger = new QueryTextLedger(1000, Duration.ofHours(1));
    private QueryTextReceipts receipts;

    @BeforeEach
    void start() throws IOException {
        server = new TestIngestServer();
        server.acceptCredential("the-credential");
    }

    private void open(long spoolBytes, long segmentBytes) throws IOException {
        spool = Spool.open(new SpoolSettings(dir.resolve("spool"), spoolBytes, segmentBytes), PayloadCodec.PLAIN, Clock.systemUTC());
        receipts = new QueryTextReceipts(ledger, 1000);
        spool.listener(receipts);
        batcher = new SpoolBatcher(spool, new BatchSettings(1000, 1000, 5, Duration.ofMillis(50)), "test", Clock.systemUTC()).start();
        IngestClient client = new IngestClient(server.tls().newClient(FAST.connectTimeout()), server.url(),
                () -> "the-credential", FAST.requestTimeout(), "test", Clock.systemUTC());
        shipper = new Shipper("test", spool, client, new Quarantine(dir.resolve("quarantine"), 1 << 20, Clock.systemUTC()),
                FAST, new Random(1), Thread.ofPlatform().daemon());
    }

    @AfterEach
    void stop() throws IOException {
        if (shipper != null) {
            shipper.close();
            batcher.close();
            spool.close();
        }
        server.close();
    }

    @Test
    void aTextIsClaimedOnceAndNeverSentAgainAfterItsBatchIsAcknowledged() throws Exception {
        open(8 << 20, 256 * 1024);
        shipper.start();
        TextKey key = new TextKey(5, 42);
        assertEquals(List.of(key), ledger.claim(TARGET, List.of(key), NOW));
        assertEquals(List.of(), ledger.claim(TARGET, List.of(key), NOW.plusSeconds(60)), "on its way: not claimed twice");
        batcher.publish(List.of(texts(key)));
        assertTrue(await(Duration.ofSeconds(10), () -> ledger.isAcknowledged(TARGET, key)), "acknowledged with its batch");
        assertEquals(0, receipts.pendingBatches());
        assertEquals(List.of(), ledger.claim(TARGET, List.of(key), NOW.plus(Duration.ofDays(2))), "never again");
        assertEquals(1, textsReceived(key));
    }

    @Test
    void aTextWhoseBatchTheServerRefusedIsClaimedAgainAndGoesInTheNextBatch() throws Exception {
        open(8 << 20, 256 * 1024);
        server.script(new Scripted(400, null));
        TextKey key = new TextKey(5, 43);
        ledger.claim(TARGET, List.of(key), NOW);
        batcher.publish(List.of(texts(key)));
        assertTrue(await(Duration.ofSeconds(10), () -> spool.stats().pendingBatches() == 1));
        shipper.start();
        assertTrue(await(Duration.ofSeconds(10), () -> shipper.stats().quarantined() == 1));
        assertFalse(ledger.isAcknowledged(TARGET, key));
        assertEquals(List.of(key), ledger.claim(TARGET, List.of(key), NOW.plusSeconds(60)), "lost with its batch: sent again");
        batcher.publish(List.of(texts(key)));
        assertTrue(await(Duration.ofSeconds(10), () -> ledger.isAcknowledged(TARGET, key)));
        assertEquals(1, textsReceived(key), "the server committed it once");
    }

    @Test
    void textsInBatchesDroppedFromAFullSpoolAreClaimedAgain() throws Exception {
        open(64 * 1024, 16 * 1024);
        server.down();
        List<TextKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TextKey key = new TextKey(5, 1000 + i);
            keys.add(key);
            ledger.claim(TARGET, List.of(key), NOW);
            batcher.publish(List.of(texts(key, 6000)));
            long spooled = i + 1;
            assertTrue(await(Duration.ofSeconds(10), () -> batcher.spooledBatches() >= spooled));
        }
        assertTrue(spool.stats().droppedBatches() > 0, "the spool was full and dropped its oldest batches");
        List<TextKey> again = ledger.claim(TARGET, keys, NOW.plusSeconds(60));
        assertEquals(keys.subList(0, again.size()), again, "the texts of the dropped (oldest) batches, and only those");
        assertTrue(again.size() >= spool.stats().droppedBatches(), again.size() + " texts claimed again for "
                + spool.stats().droppedBatches() + " dropped batches");
        assertTrue(receipts.pendingBatches() <= 40 - again.size());
    }

    @Test
    void textsThatNeverReachedTheSpoolAreClaimedAgain() throws Exception {
        open(8 << 20, 256 * 1024);
        batcher.close();
        TextKey key = new TextKey(5, 44);
        ledger.claim(TARGET, List.of(key), NOW);
        batcher.publish(List.of(texts(key)));
        assertEquals(List.of(key), ledger.claim(TARGET, List.of(key), NOW.plusSeconds(1)));
    }

    @Test
    void aBatchAcknowledgedBeforeItsSpoolingWasReportedStillAcknowledgesItsTexts() {
        QueryTextReceipts early = new QueryTextReceipts(ledger, 10);
        TextKey key = new TextKey(7, 1);
        ledger.claim(TARGET, List.of(key), NOW);
        early.delivered(3);
        early.spooled(3, List.of(texts(key)));
        assertTrue(ledger.isAcknowledged(TARGET, key));
        assertEquals(0, early.pendingBatches());
    }

    @Test
    void pastItsBoundTheOldestBatchesTextsAreReleasedNotKeptForever() {
        QueryTextReceipts small = new QueryTextReceipts(ledger, 2);
        for (int i = 0; i < 3; i++) {
            TextKey key = new TextKey(8, i);
            ledger.claim(TARGET, List.of(key), NOW);
            small.spooled(i, List.of(texts(key)));
        }
        assertEquals(2, small.pendingBatches());
        assertEquals(List.of(new TextKey(8, 0)), ledger.claim(TARGET, List.of(new TextKey(8, 0), new TextKey(8, 1)), NOW));
    }

    private static Snapshot texts(TextKey key) {
        return texts(key, 0);
    }

    /** With {@code noise} random hex characters in the text, so that a batch takes room on disk even gzipped. */
    private static Snapshot texts(TextKey key, int noise) {
        StringBuilder text = new StringBuilder("SELECT ").append(key.queryid()).append(" -- ");
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < noise; i++) {
            text.append(Character.forDigit(random.nextInt(16), 16));
        }
        List<List<Object>> rows = List.of(List.of(key.dbid(), key.queryid(), "app", text.toString()));
        return new Snapshot(TARGET, MetricCatalog.STATEMENT_TEXTS.name(), Instant.now(), null,
                MetricCatalog.STATEMENT_TEXTS.columnNames(), rows);
    }

    private long textsReceived(TextKey key) {
        long count = 0;
        for (MetricBatch batch : server.committed()) {
            for (Snapshot snapshot : batch.snapshots()) {
                if (snapshot.family().equals(MetricCatalog.STATEMENT_TEXTS.name())) {
                    count += snapshot.rows().stream().filter(r -> ((Number) r.get(1)).longValue() == key.queryid()).count();
                }
            }
        }
        return count;
    }
}
