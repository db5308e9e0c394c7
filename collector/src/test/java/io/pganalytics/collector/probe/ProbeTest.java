package io.pganalytics.collector.probe;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;
import io.pganalytics.collector.postgres.EmbeddedPostgresVersions.Instance;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.TargetConnections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeTest {

    @ParameterizedTest(name = "PostgreSQL {0}")
    @CsvSource({"13, 1.8", "14, 1.9", "15, 1.10", "16, 1.10", "17, 1.11", "18, 1.12"})
    void probeReportsVersionExtensionPrivilegesAndTheViewsOfEachMajor(int major, String pgssVersion) throws Exception {
        Instance pg = EmbeddedPostgresVersions.withPgStatStatements(major);
        try (TargetConnections connections = new TargetConnections(pg.target("probe"), ConnectionSettings.DEFAULTS)) {
            Capabilities caps = Probe.run(connections, Duration.ofSeconds(10), Clock.systemUTC());
            assertEquals(major, caps.major());
            assertFalse(caps.inRecovery());
            assertEquals(pgssVersion, caps.extensionVersion("pg_stat_statements"));
            assertTrue(caps.hasPgStatStatements());
            assertEquals(List.of("pg_stat_statements"), caps.sharedPreloadLibraries());
            assertTrue(caps.privileges().pgMonitor());
            assertFalse(caps.privileges().superuser());
            assertNotNull(caps.systemIdentifier(), "pg_monitor may read pg_control_system()");
            assertNotNull(caps.dataDirectory());
            assertEquals(major >= 16, caps.hasView("pg_stat_io"));
            assertEquals(major >= 17, caps.hasView("pg_stat_checkpointer"));
            assertEquals(major >= 14, caps.hasView("pg_stat_wal"));
            assertEquals(major >= 17, caps.hasColumn("pg_stat_statements", "shared_blk_read_time"));
            assertEquals(major < 17, caps.hasColumn("pg_stat_statements", "blk_read_time"));
            assertEquals(major >= 14, caps.hasColumn("pg_stat_statements", "toplevel"));
            assertEquals(major >= 17, caps.hasColumn("pg_stat_progress_vacuum", "num_dead_item_ids"));
        }
    }
}
