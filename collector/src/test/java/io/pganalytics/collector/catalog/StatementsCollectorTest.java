package io.pganalytics.collector.catalog;

import io.pganalytics.collector.catalog.QueryTextLedger.TextKey;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pg_stat_statements on a real PostgreSQL 17: a target's database filter, and texts sent until acknowledged. */
class StatementsCollectorTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Test
    void aTargetThatIncludesOneDatabaseGetsTheStatementsOfThatDatabaseOnly() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(17);
        String mine = "stmts_mine_" + DATABASES.incrementAndGet();
        String theirs = "stmts_theirs_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + mine, "CREATE DATABASE " + theirs);
        // a wildcard, and underscores that LIKE would take for any character unless escaped
        List<String> include = List.of(mine.replace("mine", "mi*"));
        try (Harness harness = new Harness(pg.target("filtered").withDatabases(include, List.of("stmts_theirs*"), 10))) {
            assertTrue(harness.collect("statements").isEmpty(), "the first sample is a baseline");
            pg.execute(mine, "SELECT count(*) AS in_mine FROM pg_class");
            pg.execute(theirs, "SELECT count(*) AS in_theirs FROM pg_class");
            List<Snapshot> second = harness.collect("statements");
            List<List<Object>> rows = rows(second, "statements");
            int datname = MetricCatalog.STATEMENTS.indexOf("datname");
            assertFalse(rows.isEmpty());
            assertTrue(rows.stream().allMatch(r -> r.get(datname) == null || mine.equals(r.get(datname))),
                    "only " + mine + "'s statements (and the other row): " + rows.stream().map(r -> r.get(datname)).distinct().toList());
            List<List<Object>> texts = rows(second, "statement_texts");
            assertTrue(texts.stream().anyMatch(r -> ((String) r.get(3)).contains("in_mine")));
            assertTrue(texts.stream().noneMatch(r -> ((String) r.get(3)).contains("in_theirs")));
        }
    }

    @Test
    void aTextIsSentUntilTheLedgerHearsItWasAcknowledged() throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(17);
        String db = "stmts_texts_" + DATABASES.incrementAndGet();
        pg.execute("postgres", "CREATE DATABASE " + db);
        // pg_stat_statements stores constants as $1: the marker is a column alias, which it keeps
        QueryTextLedger ledger = new QueryTextLedger(1000, Duration.ofHours(1));
        String marker = "marker_" + db;
        try (Harness harness = new Harness(pg.target("texts").withDatabases(List.of(db), List.of(), 10), ledger)) {
            harness.collect("statements");
            pg.execute(db, "SELECT count(*) AS " + marker + " FROM pg_class");
            List<List<Object>> first = textsOf(harness.collect("statements"), marker);
            assertEquals(1, first.size(), "sent with the first interval it ran in");
            TextKey key = new TextKey((Long) first.getFirst().get(0), (Long) first.getFirst().get(1));

            pg.execute(db, "SELECT count(*) AS " + marker + " FROM pg_class");
            assertTrue(textsOf(harness.collect("statements"), marker).isEmpty(), "on its way: not sent twice");

            ledger.lost(harness.ref, List.of(key));
            pg.execute(db, "SELECT count(*) AS " + marker + " FROM pg_class");
            assertEquals(1, textsOf(harness.collect("statements"), marker).size(), "its batch was lost: sent again");

            ledger.acknowledged(harness.ref, List.of(key));
            pg.execute(db, "SELECT count(*) AS " + marker + " FROM pg_class");
            assertTrue(textsOf(harness.collect("statements"), marker).isEmpty(), "acknowledged: never again");
        }
    }

    @Test
    void theTargetsWildcardsBecomeEscapedLikePatterns() {
        assertEquals(List.of("app\\_%", "a\\%b"), List.of(StatementsCollector.likePatterns(List.of("app_*", "a%b"), "%")));
        assertEquals(List.of("%"), List.of(StatementsCollector.likePatterns(List.of(), "%")));
        assertEquals(List.of(), List.of(StatementsCollector.likePatterns(List.of(), null)));
    }

    private static List<List<Object>> textsOf(List<Snapshot> snapshots, String marker) {
        return rows(snapshots, "statement_texts").stream().filter(r -> ((String) r.get(3)).contains(marker)).toList();
    }

    private static List<List<Object>> rows(List<Snapshot> snapshots, String family) {
        return snapshots.stream().filter(s -> s.family().equals(family)).flatMap(s -> s.rows().stream()).toList();
    }
}
