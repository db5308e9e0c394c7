package io.pganalytics.server.maintenance;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.series.SeriesSchema;
import org.junit.jupiter.api.Tag;
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
@Tag("fault-and-attack")
class MaintenanceTimescaleTest {

    @Test
    void everyHypertableAndContinuousAggregateGetsItsConfiguredRetention() {
        List<String> statements = TimescalePolicies.retentionStatements(MaintenanceFixture.config(Map.of(
                "retention.raw", "10d", "retention.families.statements.raw", "7d", "retention.families.statements.minute", "36h")));
        assertTrue(has(statements, "SELECT add_retention_policy('ts.database', INTERVAL '10 days', "), statements.toString());
        assertTrue(has(statements, "SELECT add_retention_policy('ts.database_1m', INTERVAL '90 days', "));
        assertTrue(has(statements, "SELECT add_retention_policy('ts.database_1h', INTERVAL '730 days', "));
        assertTrue(has(statements, "SELECT add_retention_policy('ts.statements', INTERVAL '7 days', "));
        assertTrue(has(statements, "SELECT add_retention_policy('ts.statements_1m', INTERVAL '36 hours', "));
        assertTrue(has(statements, "SELECT add_retention_policy('ts.settings', INTERVAL '10 days', "), "raw-only families too");
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
            String relation = statements.get(i + 1).replaceAll("^SELECT add_retention_policy\\('([^']+)'.*", "$1");
            assertEquals("SELECT remove_retention_policy('" + relation + "', if_exists => true)", statements.get(i),
                    "each policy is removed before it is added again");
        }
    }

    @Test
    void retentionChangedAtRuntimeChangesThePolicyStatementsSoTheNextRunAppliesThemAgain() {
        MaintenanceConfig file = MaintenanceFixture.config(Map.of());
        List<String> before = TimescalePolicies.retentionStatements(file);
        List<String> after = TimescalePolicies.retentionStatements(file.withRetention(Map.of("families.statements.raw", "8d")));
        assertFalse(before.equals(after), "a changed retention gives other statements: MaintenanceFeature applies them again");
        assertTrue(has(after, "SELECT add_retention_policy('ts.statements', INTERVAL '8 days', "), after.toString());
        assertTrue(has(after, "SELECT add_retention_policy('ts.database', INTERVAL '14 days', "));
        assertEquals(before, TimescalePolicies.retentionStatements(file.withRetention(Map.of())), "the same values give the same statements");
    }

    @Test
    void retentionPoliciesStartAtADeterministicOffsetSpreadOverTheirDailySchedule() {
        List<String> statements = TimescalePolicies.retentionStatements(MaintenanceFixture.config(Map.of()));
        assertEquals(statements, TimescalePolicies.retentionStatements(MaintenanceFixture.config(Map.of())), "the same every start");
        List<Long> offsets = new java.util.ArrayList<>();
        java.util.regex.Pattern start = java.util.regex.Pattern.compile(
                ".*, schedule_interval => INTERVAL '1 days', initial_start => now\\(\\) \\+ INTERVAL '(\\d+) seconds'\\)$");
        for (String statement : statements) {
            if (statement.startsWith("SELECT add_retention_policy(")) {
                java.util.regex.Matcher m = start.matcher(statement);
                assertTrue(m.matches(), statement);
                offsets.add(Long.parseLong(m.group(1)));
            }
        }
        assertTrue(offsets.stream().allMatch(o -> o >= 0 && o < 86_400), offsets.toString());
        assertSpread(offsets, 86_400);
    }

    @Test
    void theMigrationTurnsOnRealTimeAggregationForEveryContinuousAggregate() throws Exception {
        String migration = TimescalePolicies.realTimeAndStaggerMigration();
        String checkedIn;
        try (java.io.InputStream in = MaintenanceTimescaleTest.class.getResourceAsStream("/" + TimescalePolicies.MIGRATION)) {
            org.junit.jupiter.api.Assertions.assertNotNull(in, TimescalePolicies.MIGRATION + " is missing");
            checkedIn = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertEquals(migration, checkedIn, TimescalePolicies.MIGRATION + " differs from what TimescalePolicies generates");
        for (Family family : MetricCatalog.ALL) {
            if (SeriesSchema.hasRollups(family)) {
                assertTrue(migration.contains("ALTER MATERIALIZED VIEW ts." + family.name() + "_1h SET (timescaledb.materialized_only = false);\n"), family.name());
                assertTrue(migration.contains("ALTER MATERIALIZED VIEW ts." + family.name() + "_1m SET (timescaledb.materialized_only = false);\n"), family.name());
            }
        }
        assertFalse(migration.contains("materialized_only = true"));
    }

    @Test
    void theArchiverFamilysMigrationCreatesItsHypertableAndStaggersItsPolicies() throws Exception {
        String migration = TimescalePolicies.addedFamilyMigration(MetricCatalog.ARCHIVER);
        String resource = "/" + TimescalePolicies.ADDED_FAMILY_MIGRATIONS.get("archiver");
        try (java.io.InputStream in = MaintenanceTimescaleTest.class.getResourceAsStream(resource)) {
            org.junit.jupiter.api.Assertions.assertNotNull(in, resource + " is missing");
            assertEquals(migration, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource);
        }
        assertTrue(migration.contains("SELECT create_hypertable('ts.archiver', by_range('collected_at', INTERVAL '1 day'));"));
        assertEquals(2, migration.lines().filter(l -> l.startsWith("SELECT alter_job(")).count(), migration);
        assertFalse(TimescalePolicies.realTimeAndStaggerMigration().contains("ts.archiver"), "1.2 stays as it was");
    }

    @Test
    void theMigrationStaggersEveryPolicyTheFamiliesMigrationCreated() {
        String migration = TimescalePolicies.realTimeAndStaggerMigration();
        List<String> staggers = migration.lines().filter(l -> l.startsWith("SELECT alter_job(")).toList();
        int hypertables = 0;
        int aggregates = 0;
        for (Family family : SeriesSchema.firstFamilies()) {
            if (family != MetricCatalog.STATEMENT_TEXTS) {
                hypertables++;
                aggregates += SeriesSchema.hasRollups(family) ? 2 : 0;
            }
        }
        assertEquals(2 * hypertables + 2 * aggregates, staggers.size(), "compression and retention per hypertable, refresh and retention per aggregate");
        assertTrue(staggers.contains("SELECT alter_job(j.job_id, next_start => now() + j.schedule_interval * "
                + TimescalePolicies.fraction("ts.database_1m/policy_refresh_continuous_aggregate") + ") FROM timescaledb_information.jobs j "
                + "JOIN timescaledb_information.continuous_aggregates c ON j.hypertable_schema = c.materialization_hypertable_schema "
                + "AND j.hypertable_name = c.materialization_hypertable_name WHERE j.proc_name = 'policy_refresh_continuous_aggregate' "
                + "AND c.view_schema = 'ts' AND c.view_name = 'database_1m';"), String.join("\n", staggers));
        assertTrue(staggers.contains("SELECT alter_job(j.job_id, next_start => now() + j.schedule_interval * "
                + TimescalePolicies.fraction("ts.database/policy_compression") + ") FROM timescaledb_information.jobs j "
                + "WHERE j.proc_name = 'policy_compression' AND j.hypertable_schema = 'ts' AND j.hypertable_name = 'database';"));
        List<Long> refreshes = staggers.stream().filter(s -> s.contains("'policy_refresh_continuous_aggregate'"))
                .map(s -> Math.round(Double.parseDouble(s.replaceAll(".*schedule_interval \\* ([0-9.]+)\\).*", "$1")) * 1000)).toList();
        assertEquals(aggregates, refreshes.size());
        assertTrue(refreshes.stream().allMatch(f -> f >= 0 && f < 1000), refreshes.toString());
        assertSpread(refreshes, 1000);
    }

    /** No tenth of the interval holds more than a quarter of the starts (all at once is what made the stampede). */
    private static void assertSpread(List<Long> offsets, long interval) {
        Map<Long, Long> perTenth = offsets.stream().collect(java.util.stream.Collectors.groupingBy(o -> o * 10 / interval,
                java.util.stream.Collectors.counting()));
        long busiest = perTenth.values().stream().mapToLong(Long::longValue).max().orElse(0);
        assertTrue(perTenth.size() >= 6 && busiest <= Math.max(3, offsets.size() / 4), perTenth + " over " + offsets.size() + " starts");
    }

    private static boolean has(List<String> statements, String prefix) {
        return statements.stream().anyMatch(s -> s.startsWith(prefix));
    }

    @Test
    void intervalsAreWrittenInTheirLargestWholeUnit() {
        assertEquals("14 days", TimescalePolicies.interval(Duration.ofDays(14)));
        assertEquals("36 hours", TimescalePolicies.interval(Duration.ofHours(36)));
        assertEquals("90 minutes", TimescalePolicies.interval(Duration.ofMinutes(90)));
        assertEquals("61 seconds", TimescalePolicies.interval(Duration.ofSeconds(61)));
    }
}
