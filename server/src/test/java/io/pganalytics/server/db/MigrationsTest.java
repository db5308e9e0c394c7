package io.pganalytics.server.db;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {
    private HikariDataSource dataSource;

    @BeforeEach
    void newEmptyDatabase() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("migrations"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void anEmptyDatabaseGetsEveryMigrationAndASecondRunAppliesNothing() throws Exception {
        int first = Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        assertTrue(first >= 2, "the core and the dialect sets both apply, got " + first);
        assertEquals(0, Migrations.apply(dataSource, TimeSeriesDialect.PLAIN), "a second start applies nothing");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM ts.dialect")) {
            assertTrue(rs.next());
            assertEquals("plain", rs.getString(1));
        }
    }

    @Test
    void theDialectOfAnEarlierStartIsKept() throws Exception {
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        try (Connection c = dataSource.getConnection()) {
            assertEquals(TimeSeriesDialect.PLAIN, TimeSeriesDialect.choose(TimeSeriesDialect.Choice.AUTO, c));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TimeSeriesDialect.choose(TimeSeriesDialect.Choice.TIMESCALEDB, c));
            assertTrue(e.getMessage().contains("already stores its time series as plain"), e.getMessage());
        }
    }

    @Test
    void autoChoosesPlainWhereTimescaleIsNotInstalled() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertEquals(TimeSeriesDialect.PLAIN, TimeSeriesDialect.choose(TimeSeriesDialect.Choice.AUTO, c));
            assertThrows(IllegalStateException.class, () -> TimeSeriesDialect.choose(TimeSeriesDialect.Choice.TIMESCALEDB, c));
        }
    }

    @Test
    void aFailingMigrationNamesTheFileAndTheStatementAndLeavesItUnapplied() throws Exception {
        Migrations.MigrationFailedException e = assertThrows(Migrations.MigrationFailedException.class,
                () -> Migrations.apply(dataSource, "dbmigration-broken", "broken_history"));
        assertTrue(e.getMessage().contains("1.1__broken.sql"), e.getMessage());
        assertTrue(e.getMessage().contains("INSERT INTO broken_set_second"), e.getMessage());
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('broken_set_second') IS NOT NULL")) {
            rs.next();
            assertFalse(rs.getBoolean(1), "the failed migration's transaction was rolled back");
        }
    }
}
