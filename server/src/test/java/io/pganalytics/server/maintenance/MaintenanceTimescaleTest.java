package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.series.SeriesSchema;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TimescaleDB dialect's retention statements, tested as text: TimescaleDB cannot be installed on the machines
 * that build this project, so these statements have never run here.
 */
class MaintenanceTimescaleTest {

    @Test
    void everyHypertableAndContinuousAggregateGetsItsConfiguredRetention() {
        List<String> statements = TimescalePolicies.retentionStatements(MaintenanceFixture.config(Map.of(
                "retention.raw", "10d", "retention.families.statements.raw", "7d", "retention.families.statements.minute", "36h")));
        assertTrue(statements.contains("SELECT add_retention_policy('ts.database', INTERVAL '10 days')"), statements.toString());
        assertTrue(statements.contains("SELECT add_retention_policy('ts.database_1m', INTERVAL '90 days')"));
        assertTrue(statements.contains("SELECT add_retention_policy('ts.database_1h', INTERVAL '730 days')"));
        assertTrue(statements.contains("SELECT add_retention_policy('ts.statements', INTERVAL '7 days')"));
        assertTrue(statements.contains("SELECT add_retention_policy('ts.statements_1m', INTERVAL '36 hours')"));
        assertTrue(statements.contains("SELECT add_retention_policy('ts.settings', INTERVAL '10 days')"), "raw-only families too");
        assertFalse(statements.stream().anyMatch(s -> s.contains("ts.settings_1m")), "no aggregate where there is no rollup");
        assertFalse(statements.stream().anyMatch(s -> s.contains("statement_text")), "query texts are not a hypertable");

        int relations = 0;
        for (Family family : MetricCatalog.ALL) {
            if (family != MetricCatalog.STATEMENT_TEXTS) {
                relations += SeriesSchema.hasRollups(family) ? 3 : 1;
            }
        }
        assertEquals(2 * relations, statements.size());
        for (int i = 0; i < statements.size(); i += 2) {
            String relation = statements.get(i + 1).replaceAll(".*add_retention_policy\\('([^']+)'.*", "$1");
            assertEquals("SELECT remove_retention_policy('" + relation + "', if_exists => true)", statements.get(i),
                    "each policy is removed before it is added again");
        }
    }

    @Test
    void intervalsAreWrittenInTheirLargestWholeUnit() {
        assertEquals("14 days", TimescalePolicies.interval(Duration.ofDays(14)));
        assertEquals("36 hours", TimescalePolicies.interval(Duration.ofHours(36)));
        assertEquals("90 minutes", TimescalePolicies.interval(Duration.ofMinutes(90)));
        assertEquals("61 seconds", TimescalePolicies.interval(Duration.ofSeconds(61)));
    }
}
