package io.pganalytics.server.series;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.SharedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-series schema is the catalogue's: the migrations hold exactly what SeriesSchema generates, and they run. */
class SeriesSchemaTest {
    private static HikariDataSource dataSource;

    @BeforeAll
    static void migrate() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("series"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @Test
    void theCheckedInMigrationsAreWhatTheCatalogueGenerates() throws IOException {
        for (TimeSeriesDialect dialect : TimeSeriesDialect.values()) {
            String resource = "/dbmigration-timeseries/" + dialect.folder() + "/1.1__families.sql";
            String checkedIn;
            try (InputStream in = SeriesSchemaTest.class.getResourceAsStream(resource)) {
                assertNotNull(in, resource);
                checkedIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals(SeriesSchema.ddl(dialect), checkedIn, resource + " differs from SeriesSchema.ddl(" + dialect
                    + "): the catalogue changed, so add a migration that brings the tables to the new shape");
        }
    }

    @Test
    void aFamilyAddedLaterHasItsOwnMigrationWithWhatTheCatalogueGenerates() throws IOException {
        String resource = "/dbmigration-timeseries/plain/1.3__archiver.sql";
        String checkedIn;
        try (InputStream in = SeriesSchemaTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            checkedIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(SeriesSchema.addedFamilyDdl(MetricCatalog.ARCHIVER, TimeSeriesDialect.PLAIN), checkedIn, resource);
        assertTrue(!SeriesSchema.ddl(TimeSeriesDialect.PLAIN).contains("ts.archiver"), "1.1 stays as it was");
    }

    @Test
    void everyRawTableHasThePrefixAndTheCatalogueColumnsWithTheirTypes() throws Exception {
        for (Family family : MetricCatalog.ALL) {
            if (family == MetricCatalog.STATEMENT_TEXTS) {
                continue;
            }
            List<String> expected = new ArrayList<>(List.of("instance_id:bigint", "collected_at:timestamp with time zone",
                    "interval_seconds:double precision"));
            for (Column column : family.columns()) {
                expected.add(column.name() + ":" + SeriesSchema.sqlType(column.type()).replace("timestamptz", "timestamp with time zone"));
            }
            if (family == MetricCatalog.SETTINGS) {
                expected.add("setting_sealed:bytea"); // encryption.settings: the value sealed at ingest (SettingValues)
            }
            assertEquals(expected, columns("ts", family.name()), family.name());
        }
    }

    @Test
    void everyRollupTableHasTheColumnsItsSelectProduces() throws Exception {
        for (Family family : MetricCatalog.ALL) {
            if (!SeriesSchema.hasRollups(family)) {
                continue;
            }
            for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                List<String> names = columns("ts", family.name() + (resolution == Resolution.MINUTE ? "_1m" : "_1h")).stream()
                        .map(c -> c.substring(0, c.indexOf(':'))).toList();
                assertEquals(SeriesSchema.rollupTableColumns(family), names, family.name() + " " + resolution);
            }
        }
    }

    @Test
    void everyRollupSelectRunsOnPlainPostgres() throws Exception {
        Partitions partitions = new Partitions();
        Instant at = Instant.parse("2026-03-02T10:15:00Z");
        try (Connection c = dataSource.getConnection()) {
            for (Family family : MetricCatalog.ALL) {
                if (!SeriesSchema.hasRollups(family)) {
                    continue;
                }
                partitions.ensure(c, family, Resolution.RAW, at);
                partitions.ensure(c, family, Resolution.MINUTE, at);
                partitions.ensure(c, family, Resolution.HOUR, at);
                for (Resolution resolution : List.of(Resolution.MINUTE, Resolution.HOUR)) {
                    String insert = "INSERT INTO " + resolution.table(family) + " (" + String.join(", ", SeriesSchema.rollupTableColumns(family))
                            + ") " + SeriesSchema.rollupSelect(family, resolution, TimeSeriesDialect.PLAIN, true);
                    try (PreparedStatement ps = c.prepareStatement(insert)) {
                        ps.setTimestamp(1, Timestamp.from(at.minusSeconds(3600)));
                        ps.setTimestamp(2, Timestamp.from(at.plusSeconds(3600)));
                        ps.executeUpdate();
                    }
                }
            }
            c.rollback();
        }
    }

    @Test
    void partitionsAreDailyWeeklyAndMonthlyAndCreatedOnce() throws Exception {
        Partitions partitions = new Partitions();
        Instant thursday = Instant.parse("2026-11-19T23:59:59Z");
        try (Connection c = dataSource.getConnection()) {
            assertTrue(partitions.ensure(c, MetricCatalog.DATABASE, Resolution.RAW, thursday));
            assertTrue(!partitions.ensure(c, MetricCatalog.DATABASE, Resolution.RAW, thursday), "known partitions cost nothing");
            assertTrue(!new Partitions().ensure(c, MetricCatalog.DATABASE, Resolution.RAW, thursday), "another node finds it exists");
            partitions.ensure(c, MetricCatalog.DATABASE, Resolution.MINUTE, thursday);
            partitions.ensure(c, MetricCatalog.DATABASE, Resolution.HOUR, thursday);
            assertEquals("ts.database_p20261119", Partitions.list(c, MetricCatalog.DATABASE, Resolution.RAW).getLast().name());
            assertEquals("ts.database_1m_p20261116", Partitions.list(c, MetricCatalog.DATABASE, Resolution.MINUTE).getLast().name());
            assertEquals("ts.database_1h_p20261101", Partitions.list(c, MetricCatalog.DATABASE, Resolution.HOUR).getLast().name());
            c.rollback();
        }
    }

    private static List<String> columns(String schema, String table) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     SELECT column_name, data_type FROM information_schema.columns
                     WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1) + ":" + rs.getString(2));
                }
            }
            c.rollback();
        }
        return columns;
    }
}
