package io.pganalytics.server.audit;

import io.helidon.config.Config;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the embedded database the audit schema belongs to a role nobody logs in as: the application's own role can append
 * records but cannot change, delete, truncate or drop them, nor disable the triggers that guard them (even across a restart,
 * when migrations run again).
 */
class AuditOwnershipEmbeddedTest {

    @Test
    void theApplicationRoleCannotUpdateDeleteTruncateDropOrDisableTheTriggers(@TempDir Path dataDir) throws Exception {
        String cluster = TestServers.newClusterName();
        try (PgAnalyticsServer server = start(dataDir, cluster)) {
            check(server);
        }
        try (PgAnalyticsServer server = start(dataDir, cluster)) {
            check(server);
        }
    }

    private static void check(PgAnalyticsServer server) throws SQLException {
        DataSource db = server.database().dataSource();
        long seq = server.audit().log().appendNow(AuditEvent.system("test.owned"));
        assertTrue(server.audit().integrity().status().ownershipSeparated(), "the status reports the separation");
        assertEquals("pganalytics_audit", server.audit().integrity().status().tableOwner());
        for (String forbidden : List.of(
                "ALTER TABLE audit.record DISABLE TRIGGER USER",
                "UPDATE audit.record SET action = 'forged' WHERE seq = " + seq,
                "DELETE FROM audit.record WHERE seq = " + seq,
                "TRUNCATE audit.record",
                "DROP TABLE audit.record",
                "DROP SCHEMA audit CASCADE",
                "ALTER TABLE audit.checkpoint DISABLE TRIGGER USER",
                "DELETE FROM audit.checkpoint",
                "DROP FUNCTION audit.refuse_record_change() CASCADE",
                "ALTER TABLE audit.policy DISABLE TRIGGER USER",
                "ALTER TABLE audit.policy DROP CONSTRAINT audit_policy_min_retention_days_check")) {
            SQLException refused = assertThrows(SQLException.class, () -> execute(db, forbidden), forbidden);
            assertTrue(refused.getMessage().contains("permission denied") || refused.getMessage().contains("must be owner")
                    || refused.getMessage().contains("cannot be"), forbidden + ": " + refused.getMessage());
        }
        execute(db, "SELECT audit.remove_archived(1)");
        AuditVerification result = server.audit().integrity().verify(null, null);
        assertTrue(result.intact(), result.message());
    }

    private static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try {
                st.execute(sql);
                c.commit();
            } finally {
                c.rollback();
            }
        }
    }

    private static PgAnalyticsServer start(Path dataDir, String cluster) {
        Config config = ConfigLoader.load(null, Map.of(), Map.of(
                "server.data-dir", dataDir.toString(),
                "http.host", "127.0.0.1",
                "http.port", "0",
                "http.admin-port", "0",
                "cluster.name", cluster,
                "cluster.port", Integer.toString(TestServers.freePort())));
        return PgAnalyticsServer.start(config, Map.of(), Clock.systemUTC());
    }
}
