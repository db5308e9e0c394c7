package io.pganalytics.server.alerting.pack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.alerting.RuleChecks;
import io.pganalytics.server.alerting.signals.SqlSignalSource;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default rule pack: every rule valid and documented, installed once by pack key on a real PostgreSQL, an
 * operator's edits and deletions kept across restarts, a rule of a newer pack version installed once.
 */
class DefaultPackTest {
    private HikariDataSource dataSource;

    @BeforeEach
    void migrate() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("default_pack"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void everyPackRuleIsValidAndSaysWhyAndWhatToDo() {
        DefaultPack pack = DefaultPack.load();
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        SqlSignalSource signals = new SqlSignalSource();
        for (DefaultPack.PackRule packRule : pack.rules()) {
            AlertRule rule = packRule.rule();
            assertEquals(List.of(), RuleChecks.problems(rule, signals), rule.name());
            assertTrue(keys.add(rule.packKey()) && names.add(rule.name()), "unique key and name: " + rule.name());
            assertTrue(rule.description().startsWith("Why: ") && rule.description().contains(" What to do: "), rule.name());
            assertEquals("default", rule.labels().get("pack"), rule.name());
        }
        Set<String> expected = Set.of("instance-down", "collector-silent", "replication-lag", "replication-slot-inactive",
                "replication-slot-lost", "retained-wal-growing", "xid-wraparound", "connection-saturation", "long-running-query",
                "idle-in-transaction", "long-transaction", "lock-waits", "deadlocks", "cache-hit-ratio", "checkpoints-frequent",
                "temp-files", "archiving-failing", "archiving-lagging", "disk-filling", "disk-almost-full", "query-regression");
        assertEquals(expected, keys, "the pack the issue asks for");
    }

    @Test
    void thePackIsInstalledOnceAndAnOperatorsEditsAndDeletionsSurviveARestart() throws Exception {
        DefaultPack pack = DefaultPack.load();
        assertEquals(pack.rules().size(), pack.install(dataSource, Clock.systemUTC()));
        Sql.execute(dataSource, "UPDATE alert_rule SET for_seconds = 600, updated_by = 'dba', version = version + 1"
                + " WHERE pack_key = 'lock-waits'");
        Sql.execute(dataSource, "DELETE FROM alert_rule WHERE pack_key = 'deadlocks'");

        assertEquals(0, pack.install(dataSource, Clock.systemUTC()), "a restart installs nothing");
        assertEquals(List.of(List.of("600", "dba")), Sql.rows(dataSource,
                "SELECT for_seconds, updated_by FROM alert_rule WHERE pack_key = 'lock-waits'"));
        assertEquals(List.of(), Sql.rows(dataSource, "SELECT id FROM alert_rule WHERE pack_key = 'deadlocks'"),
                "the deleted rule stays deleted");
        assertEquals(List.of(List.of(Integer.toString(pack.rules().size() - 1))),
                Sql.rows(dataSource, "SELECT count(*) FROM alert_rule WHERE pack_key IS NOT NULL"));
    }

    @Test
    void aRuleANewerPackAddsIsInstalledOnceOnUpgradeWithoutBringingBackDeletedOnes() throws Exception {
        DefaultPack.load().install(dataSource, Clock.systemUTC());
        Sql.execute(dataSource, "DELETE FROM alert_rule WHERE pack_key = 'deadlocks'");
        DefaultPack upgraded = versionTwo();
        assertEquals(1, upgraded.install(dataSource, Clock.systemUTC()), "only the rule new in version 2");
        assertEquals(0, upgraded.install(dataSource, Clock.systemUTC()));
        assertEquals(List.of(List.of("NewInVersionTwo")), Sql.rows(dataSource,
                "SELECT name FROM alert_rule WHERE pack_key = 'new-in-two'"));
        assertEquals(List.of(), Sql.rows(dataSource, "SELECT id FROM alert_rule WHERE pack_key = 'deadlocks'"));
    }

    @Test
    void anOperatorsRuleOfTheSameNameIsKeptAndThePackRuleSkipped() throws Exception {
        Sql.execute(dataSource, """
                INSERT INTO alert_rule (name, severity, condition, summary, created_by, created_at, updated_by, updated_at)
                VALUES ('lockwaits', 'critical', '{"kind":"threshold","signal":"lock_waiting_connections","op":">","value":5}',
                        'mine', 'dba', now(), 'dba', now())""");
        int rules = DefaultPack.load().rules().size();
        assertEquals(rules - 1, DefaultPack.load().install(dataSource, Clock.systemUTC()));
        assertEquals(List.of(List.of("lockwaits", "critical")), Sql.rows(dataSource,
                "SELECT name, severity FROM alert_rule WHERE lower(name) = 'lockwaits'"));
    }

    private static DefaultPack versionTwo() throws Exception {
        try (InputStream in = DefaultPack.class.getResourceAsStream(DefaultPack.RESOURCE)) {
            JsonNode root = JsonMapping.newMapper().readTree(in);
            ((ObjectNode) root).put("version", 2);
            ObjectNode added = ((ObjectNode) root.path("rules").get(0)).deepCopy();
            added.put("since", 2).put("packKey", "new-in-two").put("name", "NewInVersionTwo");
            ((ArrayNode) root.path("rules")).add(added);
            return DefaultPack.parse(root);
        }
    }
}
