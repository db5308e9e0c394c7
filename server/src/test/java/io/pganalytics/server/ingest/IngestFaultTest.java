package io.pganalytics.server.ingest;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapInterceptor;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pganalytics.server.ingest.BatchDecoderTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingest under faults and hostile collectors, against a real PostgreSQL and a real Hazelcast member: values the
 * database cannot store, permanent refusals, a cluster that fails after the commit, locks held on the tables, one
 * collector taking every place, collectors writing each other's instances and batch ids.
 */
@Tag("fault-and-attack")
class IngestFaultTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    /** Turns the member's map operations into failures (a real Hazelcast exception path, not a mock). */
    private static final AtomicBoolean CLUSTER_FAILS = new AtomicBoolean();
    private static final String LIVE_MAP = "pga.test-live";
    private static HikariDataSource dataSource;
    private static HazelcastInstance hazelcast;
    private static MetricsRegistry metrics;
    private static IngestConfig config;
    private static GroupCommitter committer;
    private static IngestService service;
    private static final List<StoredBatch> heard = new CopyOnWriteArrayList<>();
    private static final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    /** Fails every put while {@link #CLUSTER_FAILS} is set, as a member that lost its partitions' owners would. */
    static final class FailingInterceptor implements MapInterceptor {
        @Override
        public Object interceptGet(Object value) {
            return null;
        }

        @Override
        public void afterGet(Object value) {
        }

        @Override
        public Object interceptPut(Object oldValue, Object newValue) {
            if (CLUSTER_FAILS.get()) {
                throw new IllegalStateException("test: the cluster refuses writes");
            }
            return null;
        }

        @Override
        public void afterPut(Object value) {
        }

        @Override
        public Object interceptRemove(Object removedValue) {
            return null;
        }

        @Override
        public void afterRemove(Object value) {
        }
    }

    @BeforeAll
    static void start() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("ingest_faults"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(8);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        config = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of("ingest.writers", "1",
                "ingest.queue-capacity", "5", "ingest.max-places-per-collector", "2", "ingest.lock-timeout", "1s",
                "ingest.statement-timeout", "10s", "ingest.commit-wait", "20s")).get("ingest"));
        hazelcast = Hazelcast.newHazelcastInstance(memberConfig(config));
        hazelcast.getMap(IngestFeature.RECENT_BATCHES).addInterceptor(new FailingInterceptor());
        hazelcast.getMap(LIVE_MAP).addInterceptor(new FailingInterceptor());
        metrics = new MetricsRegistry();
        committer = GroupCommitter.start(new IngestWriter(dataSource, TimeSeriesDialect.PLAIN, new Partitions(), config, metrics),
                config.writers(), config.groupMaxBatches(), config.groupMaxRows(), metrics);
        service = service(config, committer, hazelcast, metrics);
    }

    private static Config memberConfig(IngestConfig ingest) {
        Config hz = new Config();
        hz.setClusterName("ingest-faults-" + UUID.randomUUID());
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        IngestFeature.clusterConfig(ingest).accept(hz);
        return hz;
    }

    /** A service whose listener does what the live stream does: a cluster operation, then the node's own work. */
    private static IngestService service(IngestConfig config, GroupCommitter committer, HazelcastInstance member, MetricsRegistry metrics) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        IngestListener live = batch -> {
            member.getMap(LIVE_MAP).set(batch.collectorId() + "/" + batch.batchId(), "published");
            heard.add(batch);
        };
        return new IngestService(config, new BatchDecoder(config, JsonMapping.newMapper(), clock), committer,
                new Admission(config.writers() + config.queueCapacity(), config.maxPlacesPerCollector(), config.maxAdmittedBytes(),
                        config.maxDecompressedBytes()),
                member.getMap(IngestFeature.RECENT_BATCHES), List.of(live), clock, metrics);
    }

    @AfterAll
    static void stop() {
        senders.shutdownNow();
        committer.close();
        hazelcast.shutdown();
        dataSource.close();
    }

    private static Caller collector(String id) {
        return new Caller(Caller.Kind.COLLECTOR, id, "collector " + id, Set.of(), "");
    }

    private static String newSystemIdentifier() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
    }

    /** A batch of one database snapshot of instance {@code systemIdentifier}, with {@code commits} as its figure. */
    private static String batch(String id, String systemIdentifier, String collectedAt, long commits) {
        return IngestServiceTest.batch(id, snapshot("database", collectedAt, "60",
                "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]", "[[\"app\"," + commits + ",0,90,10]]")
                .replace("\"systemIdentifier\":\"7312\"", "\"systemIdentifier\":\"" + systemIdentifier + "\""));
    }

    private static IngestAck ingest(IngestService service, Caller caller, String json) {
        return service.ingest(caller, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), null);
    }

    private static IngestAck ingest(Caller caller, String json) {
        return ingest(service, caller, json);
    }

    private static Future<IngestAck> send(IngestService service, Caller caller, InputStream body) {
        return senders.submit(() -> service.ingest(caller, body, null));
    }

    private static ApiException refusal(Future<IngestAck> ack) {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> ack.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(ApiException.class, failure.getCause());
    }

    // --- item 3: what PostgreSQL cannot store is refused as bad input, never "retry later"

    @Test
    void aTimestampPostgresCannotStoreIsRefusedWith400NotRetryLaterAndNothingIsWritten() throws Exception {
        for (String at : List.of("0000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z")) {
            String id = "unstorable-" + UUID.randomUUID();
            String json = IngestServiceTest.batch(id, snapshot("database", "2026-11-21T11:00:00Z", "60",
                    "[\"datname\",\"xact_commit\",\"stats_reset\"]", "[[\"app\",1,\"" + at + "\"]]"));
            ApiException e = assertThrows(ApiException.class, () -> ingest(collector("c-time"), json));
            assertEquals(ErrorType.VALIDATION_FAILED, e.type(), at + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("stats_reset"), e.getMessage());
            assertEquals(List.of(List.of("0")), rows("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + id + "'"));
        }
    }

    @Test
    void aRefusalByADatabaseConstraintIsPermanent400NotRetryLater() throws Exception {
        execute("ALTER TABLE ts.database ADD CONSTRAINT test_refuses_777 CHECK (xact_commit IS DISTINCT FROM 777)");
        try {
            String id = "constraint-" + UUID.randomUUID();
            ApiException e = assertThrows(ApiException.class,
                    () -> ingest(collector("c-check"), batch(id, newSystemIdentifier(), "2026-11-21T11:01:00Z", 777)));
            assertEquals(ErrorType.VALIDATION_FAILED, e.type(), e.getMessage());
            assertTrue(e.retryAfter().isEmpty());
            assertEquals(List.of(List.of("0")), rows("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + id + "'"));
        } finally {
            execute("ALTER TABLE ts.database DROP CONSTRAINT test_refuses_777");
        }
    }

    // --- item 4: after the commit, the acknowledgement does not depend on the cluster

    @Test
    void aClusterFailureAfterTheCommitIsAcknowledgedCountedAndItsRetryPublishes() throws Exception {
        String id = "after-commit-" + UUID.randomUUID();
        String json = batch(id, newSystemIdentifier(), "2026-11-21T11:02:00Z", 4_001);
        Caller caller = collector("c-cluster");
        double failuresBefore = counter("pganalytics_ingest_post_commit_failures_total");
        IngestAck ack;
        CLUSTER_FAILS.set(true);
        try {
            ack = ingest(caller, json);
        } finally {
            CLUSTER_FAILS.set(false);
        }
        assertFalse(ack.duplicate(), "stored and acknowledged although the cluster failed after the commit");
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 4001"));
        assertTrue(counter("pganalytics_ingest_post_commit_failures_total") > failuresBefore, "the failure is counted");
        assertTrue(heard.stream().noneMatch(b -> b.batchId().equals(id)), "the live update could not be published");

        IngestAck retry = ingest(caller, json);
        assertTrue(retry.duplicate());
        assertEquals(1, heard.stream().filter(b -> b.batchId().equals(id)).count(),
                "the retry of a committed batch whose live update failed publishes it");
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 4001"));
    }

    @Test
    void aBatchIsAcknowledgedWhenTheNodesClusterMemberIsGone() throws Exception {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(memberConfig(config));
        IngestService gone = service(config, committer, member, new MetricsRegistry());
        member.shutdown();
        String id = "member-gone-" + UUID.randomUUID();
        IngestAck ack = ingest(gone, collector("c-gone"), batch(id, newSystemIdentifier(), "2026-11-21T11:03:00Z", 4_002));
        assertFalse(ack.duplicate());
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = 4002"));
        assertTrue(ingest(gone, collector("c-gone"), batch(id, newSystemIdentifier(), "2026-11-21T11:03:00Z", 4_002)).duplicate(),
                "its retry is a duplicate, known from the database");
    }

    // --- item 6: bounded waits on locks and on the commit

    @Test
    void aLockHeldOnTheTableGets503WithinTheLockTimeoutWritesNothingAndTheNextTrySucceeds() throws Exception {
        Caller caller = collector("c-lock");
        String instance = newSystemIdentifier();
        // a day no other test writes: the first try needs a new partition (CREATE TABLE ... PARTITION OF), the second an existing one
        for (String at : List.of("2026-11-19T10:00:00Z", "2026-11-19T10:01:00Z")) {
            long commits = at.endsWith("00:00Z") ? 6_001 : 6_002;
            String id = "locked-" + UUID.randomUUID();
            String json = batch(id, instance, at, commits);
            Future<IngestAck> ack;
            try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE ts.database IN ACCESS EXCLUSIVE MODE");
                ack = send(service, caller, new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
                ApiException e = refusal(ack);
                assertEquals(ErrorType.UNAVAILABLE, e.type(), at + ": " + e.getMessage());
                assertTrue(e.retryAfter().isPresent());
                holder.rollback();
            }
            assertEquals(List.of(List.of("0", "0")), rows("SELECT (SELECT count(*) FROM ingest_batch WHERE batch_id = '" + id
                    + "'), (SELECT count(*) FROM ts.database WHERE xact_commit = " + commits + ")"), "nothing half-written");
            assertFalse(ingest(caller, json).duplicate(), "the next try, with the lock released, is stored");
            assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit = " + commits));
        }
    }

    @Test
    void aRequestWaitsForItsCommitAtMostTheCommitWaitThen503() throws Exception {
        IngestConfig patient = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of("ingest.writers", "1",
                "ingest.lock-timeout", "1m", "ingest.statement-timeout", "1m", "ingest.commit-wait", "1s")).get("ingest"));
        MetricsRegistry ownMetrics = new MetricsRegistry();
        try (GroupCommitter ownCommitter = GroupCommitter.start(new IngestWriter(dataSource, TimeSeriesDialect.PLAIN, new Partitions(),
                patient, ownMetrics), 1, 16, 20_000, ownMetrics)) {
            IngestService waiting = service(patient, ownCommitter, hazelcast, ownMetrics);
            String id = "commit-wait-" + UUID.randomUUID();
            String json = batch(id, newSystemIdentifier(), "2026-11-21T11:04:00Z", 6_003);
            try (Connection holder = dataSource.getConnection(); Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE ingest_batch IN EXCLUSIVE MODE");
                ApiException e = refusal(send(waiting, collector("c-wait"), new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
                assertEquals(ErrorType.UNAVAILABLE, e.type(), e.getMessage());
                assertTrue(e.retryAfter().isPresent());
                holder.rollback();
            }
            // the writer still commits it once the lock is gone: the collector's retry is then a duplicate
            Eventually.await(Duration.ofSeconds(30), "the batch was written after all", () -> {
                try {
                    return rows("SELECT count(*) FROM ingest_batch WHERE batch_id = '" + id + "'").equals(List.of(List.of("1")));
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            assertTrue(ingest(waiting, collector("c-wait"), json).duplicate());
        }
    }

    // --- item 9: one collector cannot take every place

    /** A body that blocks its reader until released: a collector that holds its upload open. */
    private static final class HeldBody extends InputStream {
        private final CountDownLatch release;
        private final InputStream body;

        HeldBody(CountDownLatch release, String json) {
            this.release = release;
            this.body = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return body.read(buffer, offset, length);
        }
    }

    @Test
    void oneCollectorHoldsAtMostItsCapOfPlacesAndOthersStillGetIn() throws Exception {
        Caller greedy = collector("c-greedy");
        CountDownLatch release = new CountDownLatch(1);
        List<Future<IngestAck>> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                held.add(send(service, greedy, new HeldBody(release, batch("held-" + i + "-" + UUID.randomUUID(), newSystemIdentifier(),
                        "2026-11-21T11:05:00Z", 7_000 + i))));
            }
            Eventually.await(Duration.ofSeconds(10), "two places taken", () -> gauge("pganalytics_ingest_admitted_batches") == 2);
            ApiException third = refusal(send(service, greedy, new ByteArrayInputStream(
                    batch("third-" + UUID.randomUUID(), newSystemIdentifier(), "2026-11-21T11:05:00Z", 7_002).getBytes(StandardCharsets.UTF_8))));
            assertEquals(ErrorType.RATE_LIMITED, third.type(), third.getMessage());
            assertTrue(third.retryAfter().isPresent());
            assertTrue(third.getMessage().contains("max-places-per-collector"), third.getMessage());
            assertFalse(ingest(collector("c-modest"), batch("modest-" + UUID.randomUUID(), newSystemIdentifier(),
                    "2026-11-21T11:05:00Z", 7_003)).duplicate(), "another collector still gets a place");
        } finally {
            release.countDown();
        }
        for (Future<IngestAck> ack : held) {
            assertFalse(ack.get(30, TimeUnit.SECONDS).duplicate());
        }
        assertFalse(ingest(greedy, batch("after-" + UUID.randomUUID(), newSystemIdentifier(), "2026-11-21T11:05:00Z", 7_004)).duplicate(),
                "its places were given back");
    }

    // --- item 10: instances belong to the collector that first wrote them; batch ids are per collector

    @Test
    void anInstanceBelongsToTheCollectorThatFirstWroteItAndAnotherCollectorsWriteIsRefusedWith409() throws Exception {
        String instance = newSystemIdentifier();
        assertFalse(ingest(collector("c-owner"), batch("own-" + UUID.randomUUID(), instance, "2026-11-21T11:06:00Z", 8_001)).duplicate());
        double before = counter("pganalytics_ingest_foreign_instance_refusals_total");
        String intruderId = "intrude-" + UUID.randomUUID();
        String intrusion = batch(intruderId, instance, "2026-11-21T11:07:00Z", 8_002).replace("\"name\":\"db1\"", "\"name\":\"hijacked\"");
        ApiException e = assertThrows(ApiException.class, () -> ingest(collector("c-intruder"), intrusion));
        assertEquals(ErrorType.CONFLICT, e.type(), e.getMessage());
        assertTrue(e.getMessage().contains("db1.example:5432"), e.getMessage());
        assertEquals(List.of(List.of("db1", "c-owner")),
                rows("SELECT name, collector_id FROM monitored_instance WHERE system_identifier = '" + instance + "'"));
        assertEquals(List.of(List.of("0", "0")), rows("SELECT (SELECT count(*) FROM ingest_batch WHERE batch_id = '" + intruderId
                + "'), (SELECT count(*) FROM ts.database WHERE xact_commit = 8002)"));
        assertEquals(before + 1, counter("pganalytics_ingest_foreign_instance_refusals_total"));
    }

    @Test
    void aDeletedCollectorsInstancesMayBeTakenOverByAnother() throws Exception {
        String owner = UUID.randomUUID().toString();
        execute("INSERT INTO collector (id, name, credential_hash, created_at, updated_at) VALUES ('" + owner
                + "', 'old', '\\x00', now(), now())");
        String instance = newSystemIdentifier();
        assertFalse(ingest(collector(owner), batch("old-" + UUID.randomUUID(), instance, "2026-11-21T11:08:00Z", 8_101)).duplicate());
        execute("UPDATE collector SET deleted_at = now() WHERE id = '" + owner + "'");
        assertFalse(ingest(collector("c-successor"), batch("new-" + UUID.randomUUID(), instance, "2026-11-21T11:09:00Z", 8_102)).duplicate());
        assertEquals(List.of(List.of("c-successor")),
                rows("SELECT collector_id FROM monitored_instance WHERE system_identifier = '" + instance + "'"));
    }

    @Test
    void batchIdsArePerCollectorSoAnotherCollectorsIdIsNotADuplicate() throws Exception {
        String id = "shared-id-" + UUID.randomUUID();
        assertFalse(ingest(collector("c-first"), batch(id, newSystemIdentifier(), "2026-11-21T11:10:00Z", 8_201)).duplicate());
        IngestAck other = ingest(collector("c-second"), batch(id, newSystemIdentifier(), "2026-11-21T11:10:00Z", 8_202));
        assertFalse(other.duplicate(), "the same id from another collector is another batch");
        assertEquals(List.of(List.of("1"), List.of("1")), rows("SELECT count(*) FROM ts.database WHERE xact_commit IN (8201, 8202) "
                + "GROUP BY xact_commit"));
        assertTrue(ingest(collector("c-second"), batch(id, newSystemIdentifier(), "2026-11-21T11:10:00Z", 8_202)).duplicate(),
                "its own retry still is");
    }

    private static double counter(String name) {
        return metrics.scrape().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static double gauge(String name) {
        return counter(name);
    }

    private static void execute(String sql) throws Exception {
        Sql.execute(dataSource, sql);
    }

    private static List<List<String>> rows(String sql) throws Exception {
        return Sql.rows(dataSource, sql);
    }
}
