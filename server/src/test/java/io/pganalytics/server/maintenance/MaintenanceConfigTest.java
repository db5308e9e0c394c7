package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.series.SeriesSchema.Resolution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaintenanceConfigTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        MaintenanceConfig config = MaintenanceFixture.config(Map.of());
        assertTrue(config.enabled());
        assertEquals(Duration.ofMinutes(1), config.rollupInterval());
        assertEquals(Duration.ofHours(1), config.retentionInterval());
        assertEquals(Duration.ofMinutes(2), config.leaseTtl());
        assertEquals(new MaintenanceConfig.Retention(Duration.ofDays(14), Duration.ofDays(90), Duration.ofDays(730)), config.retention());
        assertEquals(Duration.ofMinutes(15), config.minuteRecompute());
        assertEquals(Duration.ofHours(3), config.hourRecompute());
        assertEquals(Duration.ofHours(6), config.minuteChunk());
        assertEquals(Duration.ofDays(7), config.hourChunk());
        assertEquals(Duration.ofDays(8), config.ingestBatchRetention(), "ingest.idempotency-retention");
    }

    @Test
    void aFamilyOverrideReplacesOnlyTheResolutionsItNames() {
        MaintenanceConfig config = MaintenanceFixture.config(Map.of("retention.families.statements.raw", "7d",
                "retention.families.statements.hour", "400d", "retention.minute", "30d"));
        MaintenanceConfig.Retention statements = config.retentionOf(MetricCatalog.STATEMENTS);
        assertEquals(Duration.ofDays(7), statements.of(Resolution.RAW));
        assertEquals(Duration.ofDays(30), statements.of(Resolution.MINUTE), "the default, as configured");
        assertEquals(Duration.ofDays(400), statements.of(Resolution.HOUR));
        assertEquals(Duration.ofDays(14), config.retentionOf(MetricCatalog.DATABASE).raw());
    }

    @Test
    void aBadValueOrAContradictionStopsStartUpNamingTheKey() {
        assertKey("maintenance.retention.raw", Map.of("retention.raw", "soon"));
        assertKey("maintenance.retention.raw", Map.of("retention.raw", "3d")); // shorter than ingest.max-age (7d)
        assertKey("maintenance.retention.families.wait_events.raw", Map.of("retention.families.wait_events.raw", "2d"));
        assertKey("maintenance.retention.families.no_such_family", Map.of("retention.families.no_such_family.raw", "30d"));
        assertKey("maintenance.retention.families.statement_texts", Map.of("retention.families.statement_texts.raw", "30d"));
        assertKey("maintenance.retention.hour", Map.of("retention.hour", "2d"));
        assertKey("maintenance.rollups.minute-chunk", Map.of("rollups.minute-chunk", "10m"));
        assertKey("maintenance.rollups.hour-chunk", Map.of("rollups.hour-chunk", "2h"));
        assertKey("maintenance.lease-ttl", Map.of("lease-ttl", "10ms"));
    }

    @Test
    void valuesChangedAtRuntimeAreReadOverTheFilesByTheSameRulesAndBounds() {
        MaintenanceConfig file = MaintenanceFixture.config(Map.of("retention.families.statements.raw", "30d", "retention.minute", "60d"));
        MaintenanceConfig runtime = file.withRetention(Map.of("raw", "10d", "families.database.hour", "400d"));
        assertEquals(Duration.ofDays(10), runtime.retention().raw());
        assertEquals(Duration.ofDays(60), runtime.retention().minute(), "the file's value where nothing changed at runtime");
        assertEquals(Duration.ofDays(30), runtime.retentionOf(MetricCatalog.STATEMENTS).raw(), "the file's family value stays");
        assertEquals(Duration.ofDays(10), runtime.retentionOf(MetricCatalog.DATABASE).raw(), "follows the runtime default");
        assertEquals(Duration.ofDays(400), runtime.retentionOf(MetricCatalog.DATABASE).hour());
        assertEquals(file.retentionFile(), runtime.retentionFile());
        assertEquals(file.retention(), file.withRetention(Map.of()).retention());
        for (Map.Entry<String, String> bad : Map.of("raw", "3d", "hour", "2d", "minute", "soon", "families.no_such_family.raw", "30d",
                "families.wait_events.raw", "2d").entrySet()) {
            ConfigException e = assertThrows(ConfigException.class, () -> file.withRetention(Map.of(bad.getKey(), bad.getValue())), bad.toString());
            assertTrue(e.key().equals("maintenance.retention." + bad.getKey())
                    || e.key().equals("maintenance.retention.families.no_such_family"), e.getMessage());
        }
    }

    private static void assertKey(String key, Map<String, String> values) {
        ConfigException e = assertThrows(ConfigException.class, () -> MaintenanceFixture.config(values), values.toString());
        assertEquals(key, e.key(), e.getMessage());
    }
}
