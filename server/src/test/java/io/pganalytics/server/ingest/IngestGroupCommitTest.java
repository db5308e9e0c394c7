package io.pganalytics.server.ingest;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.wire.IngestAck;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.pganalytics.server.ingest.BatchDecoderTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit against a real PostgreSQL: one writer, held up by a lock a test takes on {@code ingest_batch}, so that
 * the batches sent meanwhile are waiting together when the lock goes and the writer takes them as one group.
 */
class IngestGroupCommitTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Caller COLLECTOR = new Caller(Caller.Kind.COLLECTOR, "c-g", "collector g", Set.of(), "");
    private static final int QUEUE_CAPACITY = 5;
    private static HikariDataSource dataSource;
    private static HazelcastInstance hazelcast;
    private static MetricsRegistry metrics;
    private static IngestConfig config;
    private static GroupCommitter committer;
    private static IngestService service;
    private static final List<StoredBatch> heard = new CopyOnWriteArrayList<>();
    private static final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void start() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("group_commit"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(6);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        Config hz = new Config();
        hz.setClusterName("group-commit-test-" + UUID.randomUUID());
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of("ingest.writers", "1",
                "ingest.queue-capacity", Integer.toString(QUEUE_CAPACITY), "ingest.queue-wait", "30s",
                // every batch here comes from one collector: the per-collector cap is IngestFaultTest's subject
                "ingest.max-places-per-collector", "100")).get("ingest"));
        IngestFeature.clusterConfig(config).accept(hz);
        hazelcast = Hazelcast.newHazelcastInstance(hz);
        metrics = new MetricsRegistry();
        committer = GroupCommitter.start(new IngestWriter(dataSource, TimeSeriesDialect.PLAIN, new Partitions(), config, metrics),
                1, config.groupMaxBatches(), config.groupMaxRows(), metrics);
        service = service(config, committer);
    }

    private static IngestService service(IngestConfig config, GroupCommitter committer) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new IngestService(config, new BatchDecoder(config, JsonMapping.newMapper(), clock), committer,
                new Admission(config.writers() + config.queueCapacity(), config.maxPlacesPerCollector(), config.maxAdmittedBytes(),
                        config.maxDecompressedBytes()),
                hazelcast.getMap(IngestFeature.RECENT_BATCHES), List.of(heard::add), clock, metrics);
    }

    @AfterAll
    static void stop() {
        senders.shutdownNow();
        committer.close();
        hazelcast.shutdown();
        dataSource.close();
    }

    /** A batch of one database snapshot for the instance {@code systemIdentifier}, named {@code name}. */
    private static String batch(String id, String systemIdentifier, String name, String collectedAt, long commits) {
        String snapshot = snapshot("database", collectedAt, "60", "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]",
                "[[\"app\"," + commits + ",0,90,10]]")
                .replace("\"systemIdentifier\":\"7312\"", "\"systemIdentifier\":\"" + systemIdentifier + "\"")
                .replace("\"name\":\"db1\"", "\"name\":\"" + name + "\"");
        return IngestServiceTest.batch(id, snapshot);
    }

    private static String newSystemIdentifier() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
    }

    private static Future<IngestAck> send(IngestService service, String json) {
        return senders.submit(() -> service.ingest(COLLECTOR, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), null));
    }

    private static Future<IngestAck> send(String json) {
        return send(service, json);
    }

    /** Holds every write up (the writer's INSERT into ingest_batch waits) until closed. */
    private static final class HeldWrites implements AutoCloseable {
        private final Connection connection;

        HeldWrites() throws SQLException {
            connection = dataSource.getConnection();
            try (Statement st = connection.createStatement()) {
                st.execute("LOCK TABLE ingest_batch IN EXCLUSIVE MODE");
            }
        }

        @Override
        public void close() throws SQLException {
            connection.rollback();
            connection.close();
        }
    }

    /** Sends a batch and waits until the only writer is busy with it, so that the batches sent next wait together. */
    private static Future<IngestAck> occupyTheWriter() {
        Future<IngestAck> first = send(batch("first-" + UUID.randomUUID(), newSystemIdentifier(), "first", "2026-11-21T11:00:00Z", 1));
        Eventually.await(Duration.ofSeconds(10), "the writer took the first batch",
                () -> committer.busyWriters() == 1 && committer.queued() == 0);
        return first;
    }

    private static void awaitQueued(int batches) {
        Eventually.await(Duration.ofSeconds(10), batches + " batches waiting for the writer", () -> committer.queued() == batches);
    }

    private static IngestAck acknowledged(Future<IngestAck> ack) throws Exception {
        return ack.get(30, TimeUnit.SECONDS);
    }

    @Test
    void batchesWaitingForTheWriterAreWrittenInOneGroupEachStoredOnceWithItsOwnAcknowledgement() throws Exception {
        double groupsBefore = histogram("_count");
        double batchesBefore = histogram("_sum");
        String shared = newSystemIdentifier();
        List<String> ids = new ArrayList<>();
        List<Future<IngestAck>> acks = new ArrayList<>();
        Future<IngestAck> first;
        try (HeldWrites held = new HeldWrites()) {
            first = occupyTheWriter();
            for (int i = 0; i < 4; i++) {
                String id = "grouped-" + i + "-" + UUID.randomUUID();
                ids.add(id);
                // two of the four sight the same instance: the later sample's name wins
                String target = i < 2 ? shared : newSystemIdentifier();
                String name = i == 0 ? "renamed" : i == 1 ? "old-name" : "db" + i;
                String at = i == 0 ? "2026-11-21T11:10:00Z" : "2026-11-21T11:0" + i + ":00Z";
                acks.add(send(batch(id, target, name, at, 100 + i)));
            }
            awaitQueued(4);
        }
        assertFalse(acknowledged(first).duplicate());
        for (int i = 0; i < 4; i++) {
            IngestAck ack = acknowledged(acks.get(i));
            assertEquals(ids.get(i), ack.batchId());
            assertFalse(ack.duplicate());
            assertEquals(Map.of("database", 1), ack.acceptedRows());
        }
        assertEquals(2, histogram("_count") - groupsBefore, "two transactions: the first batch alone, then the four");
        assertEquals(5, histogram("_sum") - batchesBefore);
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = " + (100 + i)
                    + " AND collected_at >= '2026-11-21T11:00:00Z'"), "batch " + i + " stored once");
            String id = ids.get(i);
            assertTrue(heard.stream().anyMatch(b -> b.batchId().equals(id)), "listeners heard of batch " + i);
        }
        assertEquals(List.of(List.of("renamed", "2026-11-21 11:10:00+00")),
                rows("SELECT name, last_collected_at AT TIME ZONE 'UTC' || '+00' FROM monitored_instance WHERE system_identifier = '" + shared + "'"));
        assertEquals(List.of(List.of("4")), rows("SELECT count(*) FROM ingest_batch WHERE batch_id LIKE 'grouped-%'"));
    }

    @Test
    void aBatchSentTwiceIntoOneGroupIsWrittenOnceAndItsCopyIsAnsweredAsADuplicate() throws Exception {
        String id = "twice-" + UUID.randomUUID();
        String json = batch(id, newSystemIdentifier(), "twice", "2026-11-21T11:20:00Z", 2_001);
        String other = "other-" + UUID.randomUUID();
        List<Future<IngestAck>> acks = new ArrayList<>();
        try (HeldWrites held = new HeldWrites()) {
            occupyTheWriter();
            acks.add(send(json));
            awaitQueued(1);
            acks.add(send(json));
            awaitQueued(2);
            acks.add(send(batch(other, newSystemIdentifier(), "other", "2026-11-21T11:20:00Z", 2_002)));
            awaitQueued(3);
        }
        IngestAck original = acknowledged(acks.get(0));
        IngestAck copy = acknowledged(acks.get(1));
        assertFalse(original.duplicate());
        assertTrue(copy.duplicate());
        assertEquals(original.acceptedRows(), copy.acceptedRows(), "the copy is answered with the counts stored");
        assertFalse(acknowledged(acks.get(2)).duplicate());
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 2001"));
        assertEquals(1, heard.stream().filter(b -> b.batchId().equals(id)).count(), "listeners heard of it once");
    }

    @Test
    void aBatchStoredByAnEarlierGroupIsADuplicateInALaterOneEvenWhenTheClusterForgotIt() throws Exception {
        String id = "again-" + UUID.randomUUID();
        String json = batch(id, newSystemIdentifier(), "again", "2026-11-21T11:30:00Z", 3_001);
        assertFalse(acknowledged(send(json)).duplicate());
        hazelcast.getMap(IngestFeature.RECENT_BATCHES).clear();
        Future<IngestAck> again;
        Future<IngestAck> other;
        try (HeldWrites held = new HeldWrites()) {
            occupyTheWriter();
            again = send(json);
            other = send(batch("fresh-" + UUID.randomUUID(), newSystemIdentifier(), "fresh", "2026-11-21T11:30:00Z", 3_002));
            awaitQueued(2);
        }
        IngestAck duplicate = acknowledged(again);
        assertTrue(duplicate.duplicate(), "the durable record catches it inside the group");
        assertEquals(Map.of("database", 1), duplicate.acceptedRows());
        assertFalse(acknowledged(other).duplicate());
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 3001"));
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 3002"));
    }

    @Test
    void aBatchTheDatabaseRefusesFailsAloneWith400AndTheRestOfItsGroupIsStored() throws Exception {
        execute("ALTER TABLE ts.database ADD CONSTRAINT test_refuses_666 CHECK (xact_commit IS DISTINCT FROM 666)");
        try {
            String refusedTarget = newSystemIdentifier();
            String refusedId = "refused-" + UUID.randomUUID();
            List<String> goodIds = List.of("good-a-" + UUID.randomUUID(), "good-b-" + UUID.randomUUID());
            Future<IngestAck> goodA;
            Future<IngestAck> refused;
            Future<IngestAck> goodB;
            try (HeldWrites held = new HeldWrites()) {
                occupyTheWriter();
                goodA = send(batch(goodIds.get(0), newSystemIdentifier(), "good-a", "2026-11-21T11:40:00Z", 4_001));
                awaitQueued(1);
                refused = send(batch(refusedId, refusedTarget, "refused", "2026-11-21T11:40:00Z", 666));
                awaitQueued(2);
                goodB = send(batch(goodIds.get(1), newSystemIdentifier(), "good-b", "2026-11-21T11:40:00Z", 4_002));
                awaitQueued(3);
            }
            assertFalse(acknowledged(goodA).duplicate());
            assertFalse(acknowledged(goodB).duplicate());
            ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
            ApiException e = assertInstanceOf(ApiException.class, failure.getCause());
            assertEquals(ErrorType.VALIDATION_FAILED, e.type(), "400: the database refused the data; a retry would meet the same refusal");
            assertEquals(List.of(List.of("1"), List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit IN (4001, 4002) "
                    + "GROUP BY xact_commit"));
            assertEquals(List.of(List.of("0", "0", "0")), rows("SELECT (SELECT count(*) FROM ingest_batch WHERE batch_id = '" + refusedId
                    + "'), (SELECT count(*) FROM monitored_instance WHERE system_identifier = '" + refusedTarget
                    + "'), (SELECT count(*) FROM ts.database WHERE xact_commit = 666)"));
            assertTrue(heard.stream().noneMatch(b -> b.batchId().equals(refusedId)));
        } finally {
            execute("ALTER TABLE ts.database DROP CONSTRAINT test_refuses_666");
        }
    }

    @Test
    void whenEveryPlaceIsTakenTheNextBatchIsRefusedWith429AndNothingOfItIsWritten() throws Exception {
        String refusedId = "no-place-" + UUID.randomUUID();
        List<Future<IngestAck>> waiting = new ArrayList<>();
        try (HeldWrites held = new HeldWrites()) {
            occupyTheWriter();
            for (int i = 0; i < QUEUE_CAPACITY; i++) {
                waiting.add(send(batch("placed-" + i + "-" + UUID.randomUUID(), newSystemIdentifier(), "placed", "2026-11-21T11:50:00Z", 5_000 + i)));
            }
            awaitQueued(QUEUE_CAPACITY);
            Future<IngestAck> refused = send(batch(refusedId, newSystemIdentifier(), "late", "2026-11-21T11:50:00Z", 5_999));
            ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
            ApiException e = assertInstanceOf(ApiException.class, failure.getCause());
            assertEquals(ErrorType.RATE_LIMITED, e.type());
            assertTrue(e.retryAfter().isPresent());
        }
        for (Future<IngestAck> ack : waiting) {
            assertFalse(acknowledged(ack).duplicate());
        }
        assertEquals(List.of(List.of("0")), rows("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + refusedId + "'"));
    }

    @Test
    void aBatchNoWriterTakesWithinTheQueueWaitIsRefusedWith429AndNotWritten() throws Exception {
        IngestConfig impatient = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of("ingest.writers", "1",
                "ingest.queue-wait", "200ms", "ingest.max-places-per-collector", "100")).get("ingest"));
        MetricsRegistry ownMetrics = new MetricsRegistry();
        try (GroupCommitter ownCommitter = GroupCommitter.start(new IngestWriter(dataSource, TimeSeriesDialect.PLAIN, new Partitions(),
                impatient, ownMetrics), 1, 16, 20_000, ownMetrics)) {
            IngestService impatientService = service(impatient, ownCommitter);
            String lateId = "late-" + UUID.randomUUID();
            Future<IngestAck> first;
            Future<IngestAck> late;
            try (HeldWrites held = new HeldWrites()) {
                first = send(impatientService, batch("held-" + UUID.randomUUID(), newSystemIdentifier(), "held", "2026-11-21T11:55:00Z", 6_001));
                Eventually.await(Duration.ofSeconds(10), "the writer took the first batch", () -> ownCommitter.busyWriters() == 1);
                late = send(impatientService, batch(lateId, newSystemIdentifier(), "late", "2026-11-21T11:55:00Z", 6_002));
                ExecutionException failure = assertThrows(ExecutionException.class, () -> late.get(30, TimeUnit.SECONDS));
                assertEquals(ErrorType.RATE_LIMITED, assertInstanceOf(ApiException.class, failure.getCause()).type());
                assertEquals(0, ownCommitter.queued(), "the refused batch left the queue");
            }
            assertFalse(acknowledged(first).duplicate());
            assertEquals(List.of(List.of("0")), rows("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + lateId + "'"));
        }
    }

    private static double histogram(String suffix) {
        String prefix = "pganalytics_ingest_group_batches" + suffix + " ";
        return metrics.scrape().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length()))).findFirst().orElse(0);
    }

    private static void execute(String sql) throws Exception {
        Sql.execute(dataSource, sql);
    }

    private static List<List<String>> rows(String sql) throws Exception {
        return Sql.rows(dataSource, sql);
    }
}
