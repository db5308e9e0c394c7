package io.pganalytics.server.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.ManualClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollup-lag figures on the TimescaleDB dialect. TimescaleDB cannot be installed here, so the watermark query runs on
 * a real plain PostgreSQL against a stand-in for the two catalogue objects it reads ({@code _timescaledb_catalog.continuous_agg}
 * and the {@code cagg_watermark} / {@code to_timestamp} functions, with TimescaleDB's signatures and units: Unix microseconds).
 */
@Tag("fault-and-attack")
class TimescaleRollupLagTest {
    private static ClusterModule member;
    private HikariDataSource dataSource;
    private MetricsRegistry metrics;
    private MaintenanceFeature maintenance;

    @BeforeAll
    static void startMember() {
        member = HazelcastMembers.single();
    }

    @AfterAll
    static void stopMember() {
        member.close();
    }

    @BeforeEach
    void catalogue() throws Exception {
        dataSource = MaintenanceFixture.newDatabase("tslag");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA _timescaledb_catalog");
            st.execute("CREATE SCHEMA _timescaledb_functions");
            st.execute("CREATE TABLE _timescaledb_catalog.continuous_agg (mat_hypertable_id integer PRIMARY KEY, user_view_schema name, user_view_name name)");
            st.execute("CREATE TABLE _timescaledb_catalog.continuous_aggs_watermark (mat_hypertable_id integer PRIMARY KEY, watermark bigint)");
            st.execute("""
                    CREATE FUNCTION _timescaledb_functions.cagg_watermark(hypertable_id integer) RETURNS bigint LANGUAGE sql STABLE AS
                    $$ SELECT coalesce((SELECT watermark FROM _timescaledb_catalog.continuous_aggs_watermark WHERE mat_hypertable_id = hypertable_id),
                                       -210866803200000000) $$""");
            st.execute("""
                    CREATE FUNCTION _timescaledb_functions.to_timestamp(unixtime_us bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
                    $$ SELECT to_timestamp(unixtime_us / 1000000.0) $$""");
            st.execute("""
                    INSERT INTO _timescaledb_catalog.continuous_agg VALUES
                      (11, 'ts', 'database_1m'), (12, 'ts', 'database_1h'), (13, 'ts', 'statements_1m'), (14, 'ts', 'statements_1h'),
                      (15, 'ts', 'tables_1m'), (16, 'other', 'database_1m')""");
            st.execute("INSERT INTO _timescaledb_catalog.continuous_aggs_watermark VALUES "
                    + "(11, " + micros("2026-03-04T10:01:00Z") + "), (12, " + micros("2026-03-04T09:00:00Z") + "), "
                    + "(13, " + micros("2026-03-04T09:59:00Z") + "), (14, " + micros("2026-03-04T08:00:00Z") + "), "
                    + "(16, " + micros("2020-01-01T00:00:00Z") + ")");
            c.commit();
        }
        metrics = new MetricsRegistry();
        maintenance = new MaintenanceFeature(MaintenanceFixture.config(Map.of()), dataSource, TimeSeriesDialect.TIMESCALEDB,
                member.hazelcast(), new ManualClock(Instant.parse("2026-03-04T10:02:30Z")), metrics);
    }

    @AfterEach
    void close() {
        maintenance.close();
        dataSource.close();
    }

    @Test
    void theRollupLagReadsTheContinuousAggregatesWatermarksOnTimescale() throws Exception {
        RollupReport report = maintenance.runRollupsOnce().orElseThrow();
        assertEquals(Map.of(Resolution.MINUTE, Instant.parse("2026-03-04T09:59:00Z"), Resolution.HOUR, Instant.parse("2026-03-04T08:00:00Z")),
                report.oldestWatermark(), "the aggregate furthest behind per resolution; one with nothing materialised and another schema's are left out");
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("pganalytics_maintenance_rollup_1m_lag_seconds 210\n"), scrape);
        assertTrue(scrape.contains("pganalytics_maintenance_rollup_1h_lag_seconds 7350\n"), scrape);
    }

    private static long micros(String instant) {
        Instant at = Instant.parse(instant);
        return at.getEpochSecond() * 1_000_000L;
    }
}
