package io.pganalytics.server.db;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.server.db.TimeSeriesDialect.Choice;
import io.pganalytics.server.db.TimeSeriesDialect.Decision;
import io.pganalytics.server.db.TimeSeriesDialect.Timescale;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static io.pganalytics.server.db.TimeSeriesDialect.PLAIN;
import static io.pganalytics.server.db.TimeSeriesDialect.TIMESCALEDB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dialect choice: as a pure function of (installed, available, preloaded, configured, recorded), since TimescaleDB
 * cannot be installed here, and its inputs read from a real plain PostgreSQL.
 */
@Tag("fault-and-attack")
class TimeSeriesDialectTest {
    private static final Timescale ABSENT = new Timescale(false, false, false);
    private static final Timescale AVAILABLE_NOT_PRELOADED = new Timescale(false, true, false);
    private static final Timescale AVAILABLE_AND_PRELOADED = new Timescale(false, true, true);
    private static final Timescale INSTALLED = new Timescale(true, true, true);

    @Test
    void autoChoosesPlainWhenTimescaleIsAvailableButNotPreloadedAndSaysWhy() {
        Decision decision = TimeSeriesDialect.decide(Choice.AUTO, null, AVAILABLE_NOT_PRELOADED);
        assertEquals(PLAIN, decision.dialect(), "a merely available extension fails with 'must be preloaded' at CREATE EXTENSION");
        assertEquals("timescaledb: available but not in shared_preload_libraries; using plain PostgreSQL partitions", decision.reason());
    }

    @Test
    void autoChoosesTimescaleOnlyWhereItCanWork() {
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.AUTO, null, AVAILABLE_AND_PRELOADED).dialect());
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.AUTO, null, INSTALLED).dialect());
        Decision absent = TimeSeriesDialect.decide(Choice.AUTO, null, ABSENT);
        assertEquals(PLAIN, absent.dialect());
        assertTrue(absent.reason().contains("not available"), absent.reason());
    }

    @Test
    void anExplicitTimescaleThatCannotWorkFailsSayingWhatToChange() {
        IllegalStateException notPreloaded = assertThrows(IllegalStateException.class,
                () -> TimeSeriesDialect.decide(Choice.TIMESCALEDB, null, AVAILABLE_NOT_PRELOADED));
        assertTrue(notPreloaded.getMessage().contains("shared_preload_libraries")
                && notPreloaded.getMessage().contains("restart PostgreSQL"), notPreloaded.getMessage());
        IllegalStateException absent = assertThrows(IllegalStateException.class,
                () -> TimeSeriesDialect.decide(Choice.TIMESCALEDB, null, ABSENT));
        assertTrue(absent.getMessage().contains("install TimescaleDB"), absent.getMessage());
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.TIMESCALEDB, null, AVAILABLE_AND_PRELOADED).dialect());
        assertEquals(PLAIN, TimeSeriesDialect.decide(Choice.PLAIN, null, INSTALLED).dialect());
    }

    @Test
    void aRecordedTimescaleDatabaseWhoseServerLostThePreloadFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TimeSeriesDialect.decide(Choice.AUTO, TIMESCALEDB, new Timescale(true, true, false)));
        assertTrue(e.getMessage().contains("shared_preload_libraries"), e.getMessage());
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.AUTO, TIMESCALEDB, INSTALLED).dialect());
        assertEquals(PLAIN, TimeSeriesDialect.decide(Choice.AUTO, PLAIN, INSTALLED).dialect(), "an earlier choice is kept");
    }

    @Test
    void sharedPreloadLibrariesIsReadAsPostgreSQLWritesIt() {
        assertTrue(TimeSeriesDialect.preloads("timescaledb"));
        assertTrue(TimeSeriesDialect.preloads("pg_stat_statements, \"timescaledb\""));
        assertTrue(TimeSeriesDialect.preloads("pg_stat_statements,$libdir/timescaledb"));
        assertFalse(TimeSeriesDialect.preloads("pg_stat_statements"));
        assertFalse(TimeSeriesDialect.preloads(""));
        assertFalse(TimeSeriesDialect.preloads("timescaledb_toolkit"));
    }

    @Test
    void aPlainPostgreSQLReportsNoTimescaleAndGetsThePlainDialect() throws Exception {
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(SharedPostgres.newDatabase("dialect"));
            dataSource.setUsername("postgres");
            dataSource.setMaximumPoolSize(1);
            try (Connection c = dataSource.getConnection()) {
                assertEquals(ABSENT, TimeSeriesDialect.inspect(c));
                assertEquals(PLAIN, TimeSeriesDialect.choose(Choice.AUTO, c));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> TimeSeriesDialect.choose(Choice.TIMESCALEDB, c));
                assertTrue(e.getMessage().contains("pg_available_extensions has no timescaledb"), e.getMessage());
            }
        }
    }

    @Test
    void aRoleThatMayNotReadSharedPreloadLibrariesStillGetsADialectAndIsToldWhatToGrant() throws Exception {
        String url = SharedPostgres.newDatabase("dialect_unprivileged");
        try (HikariDataSource admin = new HikariDataSource()) {
            admin.setJdbcUrl(url);
            admin.setUsername("postgres");
            admin.setMaximumPoolSize(1);
            try (Connection c = admin.getConnection(); var st = c.createStatement()) {
                st.execute("DROP ROLE IF EXISTS dialect_reader");
                st.execute("CREATE ROLE dialect_reader LOGIN");
            }
        }
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(url);
            dataSource.setUsername("dialect_reader");
            dataSource.setMaximumPoolSize(1);
            try (Connection c = dataSource.getConnection()) {
                assertEquals(new Timescale(false, false, false, false), TimeSeriesDialect.inspect(c));
                assertEquals(PLAIN, TimeSeriesDialect.choose(Choice.AUTO, c));
            }
        }
        Decision unknown = TimeSeriesDialect.decide(Choice.AUTO, null, new Timescale(false, true, false, false));
        assertEquals(PLAIN, unknown.dialect());
        assertTrue(unknown.reason().contains("pg_read_all_settings"), unknown.reason());
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.TIMESCALEDB, null, new Timescale(false, true, false, false)).dialect(),
                "an explicit choice is trusted when the preload cannot be read");
        assertEquals(TIMESCALEDB, TimeSeriesDialect.decide(Choice.AUTO, TIMESCALEDB, new Timescale(true, true, false, false)).dialect(),
                "a recorded choice is kept when the preload cannot be read");
    }
}
