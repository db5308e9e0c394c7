package io.pganalytics.collector.catalog;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archiver family (pg_stat_archiver + archive_mode) against real PostgreSQL 13 to 18. */
class ArchiverFamilyTest {
    static final List<Integer> MAJORS = EmbeddedPostgresVersions.MAJORS;

    @ParameterizedTest(name = "PostgreSQL {0}")
    @FieldSource("MAJORS")
    void archiveModeOffIsReadAsOffWithTheSegmentBeingWritten(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withoutPgStatStatements(major);
        try (Harness harness = new Harness(pg, "archiver-off")) {
            List<Object> row = row(harness.collect("archiver"));
            assertEquals("off", value(row, "archive_mode"), "PostgreSQL " + major);
            assertInstanceOf(Long.class, value(row, "archived_count"));
            assertInstanceOf(Long.class, value(row, "failed_count"));
            assertTrue(((String) value(row, "current_wal")).matches("[0-9A-F]{24}"), String.valueOf(value(row, "current_wal")));
            assertEquals(0.0, value(row, "archive_timeout_seconds"));
            assertEquals(false, value(row, "in_recovery"));
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 18})
    void aFailingArchiveCommandShowsFailedCountRisingAndTheFailedSegment(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withArchiving(major, "false");
        try (Harness harness = new Harness(pg, "archiver-failing")) {
            List<Object> before = row(harness.collect("archiver"));
            assertEquals("on", value(before, "archive_mode"));
            long failedBefore = (Long) value(before, "failed_count");
            pg.execute("postgres", "CREATE TABLE IF NOT EXISTS archiver_t (id int)", "INSERT INTO archiver_t VALUES (1)",
                    "SELECT pg_switch_wal()");
            List<Object> after = poll(harness, r -> (Long) value(r, "failed_count") > failedBefore);
            assertNotNull(value(after, "last_failed_wal"));
            assertInstanceOf(Instant.class, value(after, "last_failed_time"));
            assertNull(value(after, "last_archived_wal"), "false never archives");
            assertEquals(0L, value(after, "archived_count"));
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {13, 18})
    void aWorkingArchiveCommandShowsTheArchivedSegment(int major) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withArchiving(major, "true");
        try (Harness harness = new Harness(pg, "archiver-ok")) {
            pg.execute("postgres", "CREATE TABLE IF NOT EXISTS archiver_t (id int)", "INSERT INTO archiver_t VALUES (1)",
                    "SELECT pg_switch_wal()");
            List<Object> after = poll(harness, r -> (Long) value(r, "archived_count") > 0);
            assertTrue(((String) value(after, "last_archived_wal")).matches("[0-9A-F]{24}"));
            assertInstanceOf(Instant.class, value(after, "last_archived_time"));
            assertEquals(0L, value(after, "failed_count"));
        }
    }

    private static List<Object> poll(Harness harness, java.util.function.Predicate<List<Object>> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Object> row = row(harness.collect("archiver"));
        while (!done.test(row)) {
            assertTrue(System.nanoTime() < deadline, "archiver row never changed: " + row);
            TimeUnit.MILLISECONDS.sleep(250);
            row = row(harness.collect("archiver"));
        }
        return row;
    }

    private static List<Object> row(List<Snapshot> snapshots) {
        assertEquals(1, snapshots.size());
        CatalogAcceptanceTest.assertShape(snapshots.getFirst());
        assertEquals(1, snapshots.getFirst().rows().size(), "one row per instance");
        return snapshots.getFirst().rows().getFirst();
    }

    private static Object value(List<Object> row, String column) {
        return row.get(MetricCatalog.ARCHIVER.indexOf(column));
    }
}
