package io.pganalytics.server.ingest;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
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
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.pganalytics.server.ingest.BatchDecoderTest.gzip;
import static io.pganalytics.server.ingest.BatchDecoderTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingest against a real PostgreSQL and a real Hazelcast member. */
class IngestServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Caller COLLECTOR = new Caller(Caller.Kind.COLLECTOR, "c-1", "collector one", Set.of(), "");
    private static HikariDataSource dataSource;
    private static HazelcastInstance hazelcast;
    private static GroupCommitter committer;
    private static IngestService service;
    private static final List<StoredBatch> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("ingest"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(4);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        Config hz = new Config();
        hz.setClusterName("ingest-test-" + UUID.randomUUID());
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        IngestConfig config = IngestConfig.from(ConfigLoader.load(null, Map.of(), Map.of()).get("ingest"));
        IngestFeature.clusterConfig(config).accept(hz);
        hazelcast = Hazelcast.newHazelcastInstance(hz);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        MetricsRegistry metrics = new MetricsRegistry();
        committer = GroupCommitter.start(new IngestWriter(dataSource, TimeSeriesDialect.PLAIN, new Partitions(), config, metrics), 2, 16, 20_000, metrics);
        service = new IngestService(config, new BatchDecoder(config, JsonMapping.newMapper(), clock), committer,
                new Admission(6, 6, config.maxAdmittedBytes(), config.maxDecompressedBytes()), hazelcast.getMap(IngestFeature.RECENT_BATCHES),
                List.of(heard::add), clock, metrics);
    }

    @AfterAll
    static void stop() {
        committer.close();
        hazelcast.shutdown();
        dataSource.close();
    }

    static String batch(String id, String snapshots) {
        return BatchDecoderTest.batch(snapshots).replace("b-0123456789", id);
    }

    static String database(String at, long commits) {
        return snapshot("database", at, "60", "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]",
                "[[\"app\"," + commits + ",0,90,10]]");
    }

    static String texts(String query) {
        return snapshot("statement_texts", "2026-11-21T11:59:00Z", "null", "[\"dbid\",\"queryid\",\"datname\",\"query\"]",
                "[[5,42,\"app\",\"" + query + "\"]]");
    }

    private static IngestAck ingest(String json) {
        return service.ingest(COLLECTOR, new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)), null);
    }

    @Test
    void aBatchIsStoredWithItsInstanceAndDatabasesAndListenersHearOfItAfterTheCommit() throws Exception {
        String id = "stored-" + UUID.randomUUID();
        IngestAck ack = ingest(batch(id, database("2026-11-21T11:58:00Z", 120) + "," + database("2026-11-21T11:59:00Z", 180)));
        assertFalse(ack.duplicate());
        assertEquals(Map.of("database", 2), ack.acceptedRows());
        assertEquals(List.of(List.of("app", "120"), List.of("app", "180")),
                rows("SELECT datname, xact_commit FROM ts.database d JOIN monitored_instance i ON i.id = d.instance_id "
                        + "WHERE i.system_identifier = '7312' AND d.collected_at >= '2026-11-21T11:58:00Z' ORDER BY collected_at"));
        assertEquals(List.of(List.of("db1", "db1.example", "5432", "c-1")),
                rows("SELECT name, host, port, collector_id FROM monitored_instance WHERE system_identifier = '7312'"));
        assertTrue(rows("SELECT datname FROM monitored_database").contains(List.of("app")));
        StoredBatch stored = heard.stream().filter(b -> b.batchId().equals(id)).findFirst().orElseThrow();
        assertEquals(2.5, stored.instances().getFirst().figures().get("tps"), 1e-9, "300 commits over 120 s");
    }

    @Test
    void aDuplicateIsStoredOnceEvenWhenTheClusterForgotIt() throws Exception {
        String id = "dup-" + UUID.randomUUID();
        String json = batch(id, database("2026-11-21T11:50:00Z", 7));
        assertFalse(ingest(json).duplicate());
        IngestAck fromMemory = ingest(json);
        assertTrue(fromMemory.duplicate());
        assertEquals(Map.of("database", 1), fromMemory.acceptedRows());
        hazelcast.getMap(IngestFeature.RECENT_BATCHES).clear();
        IngestAck fromDatabase = ingest(json);
        assertTrue(fromDatabase.duplicate(), "the durable record catches it after a cluster restart");
        assertEquals(Map.of("database", 1), fromDatabase.acceptedRows());
        assertEquals(List.of(List.of("1")), rows("SELECT count(*) FROM ts.database WHERE collected_at = '2026-11-21T11:50:00Z'"));
    }

    @Test
    void aBatchWithOneBadValueWritesNothing() throws Exception {
        List<List<String>> before = rows("SELECT (SELECT count(*) FROM ts.database), (SELECT count(*) FROM ingest_batch), (SELECT count(*) FROM monitored_instance)");
        String id = "bad-" + UUID.randomUUID();
        String good = database("2026-11-21T11:40:00Z", 5);
        String bad = snapshot("activity", "2026-11-21T11:40:00Z", "null", "[\"datname\",\"total\"]", "[[\"app\",\"many\"]]")
                .replace("7312", "99999");
        assertThrows(ApiException.class, () -> ingest(batch(id, good + "," + bad)));
        assertEquals(before, rows("SELECT (SELECT count(*) FROM ts.database), (SELECT count(*) FROM ingest_batch), (SELECT count(*) FROM monitored_instance)"));
        assertTrue(heard.stream().noneMatch(b -> b.batchId().equals(id)));
    }

    @Test
    void aQueryTextIsStoredOncePerInstanceDatabaseAndQueryid() throws Exception {
        ingest(batch("text-" + UUID.randomUUID(), texts("SELECT 1")));
        ingest(batch("text-" + UUID.randomUUID(), texts("SELECT 1") + "," + texts("SELECT 1")));
        assertEquals(List.of(List.of("SELECT 1")), rows("SELECT query FROM ts.statement_text WHERE queryid = 42"));
    }

    @Test
    void anIdempotencyKeyThatDiffersFromTheBatchIdIsRefused() {
        ApiException e = assertThrows(ApiException.class,
                () -> service.ingest(COLLECTOR, new java.io.ByteArrayInputStream(batch("key-" + UUID.randomUUID(), database("2026-11-21T11:30:00Z", 1)).getBytes(java.nio.charset.StandardCharsets.UTF_8)), "another-key"));
        assertTrue(e.getMessage().contains("Idempotency-Key"), e.getMessage());
    }

    private static List<List<String>> rows(String sql) throws Exception {
        return Sql.rows(dataSource, sql);
    }
}
