package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chain writer on a real database: in a transaction, queued, from two writers at once, and what it keeps out. */
class AuditLogTest {

    @Test
    void recordsFormOneGaplessChainAcrossTwoWritersAndRollbacksLeaveNothing() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("audit_chain"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            AuditLog a = server.audit().log();
            long before = count(db);
            try (AuditLog b = new AuditLog(AuditConfig.defaults(), db, server.audit().personKeys(), "node-b", Clock.systemUTC(), new MetricsRegistry())) {
                b.start();
                try (Connection c = db.getConnection()) {
                    c.setAutoCommit(false);
                    a.append(c, AuditEvent.change("test.rolled-back", "thing", "1"));
                    c.rollback();
                }
                List<CompletableFuture<Void>> writers = new ArrayList<>();
                for (AuditLog log : List.of(a, b)) {
                    writers.add(CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 200; i++) {
                            log.submit(AuditEvent.api("GET /api/v1/test").status(200, null));
                            if (i % 20 == 0) {
                                log.appendNow(AuditEvent.change("test.change", "thing", Integer.toString(i)).change(Map.of("n", i), Map.of("n", i + 1)));
                            }
                        }
                    }));
                }
                CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
                assertTrue(a.flush(Duration.ofSeconds(10)));
                assertTrue(b.flush(Duration.ofSeconds(10)));
            }
            assertEquals(before + 2 * 210, count(db), "every record written once, the rolled-back one never");
            assertEquals("0", Sql.rows(db, "SELECT count(*) FROM audit.record WHERE action = 'test.rolled-back'").get(0).get(0));
            byte[] previous = AuditCanonical.GENESIS;
            long expected = 1;
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT " + StoredRecord.COLUMNS + " FROM audit.record ORDER BY seq"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredRecord r = StoredRecord.read(rs);
                    assertEquals(expected++, r.seq(), "no gap");
                    assertArrayEquals(previous, r.prevHash(), "record " + r.seq() + " chains to its predecessor");
                    assertTrue(r.hashMatches(previous), "record " + r.seq() + " hashes to what it says");
                    previous = r.hash();
                }
            }
            assertEquals(2, Long.parseLong(Sql.rows(db, "SELECT count(DISTINCT node) FROM audit.record WHERE action = 'GET /api/v1/test'").get(0).get(0)));
        }
    }

    @Test
    void personalFieldsAreSealedAndUnreadableOnceThePersonsKeyIsDestroyed() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("audit_personal"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            AuditLog log = server.audit().log();
            long seq = log.appendNow(AuditEvent.change("user.update", "user", "42")
                    .actor(new AuditEvent.Actor("user", "7", "carol", List.of("admin"), "192.0.2.10", "console/1.0 \u0000\u001b[31m"))
                    .change(Map.of("enabled", true), Map.of("enabled", false))
                    .personalChange("42", Map.of("email", "old@example.com"), Map.of("email", "new@example.com")));
            List<String> raw = Sql.rows(db, "SELECT details, encode(actor_personal, 'escape'), encode(subject_personal, 'escape') FROM audit.record WHERE seq = " + seq).get(0);
            assertTrue(raw.get(0).contains("\"enabled\""), raw.get(0));
            for (String sealed : raw.subList(1, 3)) {
                assertTrue(!sealed.contains("carol") && !sealed.contains("example.com") && !sealed.contains("192.0.2.10"), "sealed: " + sealed);
            }
            AuditRecordView view = view(server, seq);
            assertEquals("carol", view.actor().name());
            assertEquals("console/1.0 \uFFFD\uFFFD[31m", view.actor().userAgent(), "control characters are replaced");
            assertEquals("new@example.com", view.after().get("email").asText());
            assertEquals(false, view.after().get("enabled").asBoolean());
            assertEquals("readable", view.personal());

            Sql.execute(db, "UPDATE audit.person_key SET secret = NULL, erased_at = now(), erased_by = 'test' WHERE person_id = '42'");
            server.audit().personKeys().forget("42");
            AuditRecordView erased = view(server, seq);
            assertEquals("erased", erased.personal());
            assertNull(erased.after().get("email"), "the subject's fields are gone");
            assertEquals(false, erased.after().get("enabled").asBoolean(), "what is not personal stays");
            assertEquals("carol", erased.actor().name(), "the actor is another person, whose key lives");
        }
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteARecord() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("audit_immutable"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            long seq = server.audit().log().appendNow(AuditEvent.system("test.record"));
            java.sql.SQLException update = assertThrows(java.sql.SQLException.class,
                    () -> Sql.execute(db, "UPDATE audit.record SET action = 'forged' WHERE seq = " + seq));
            assertTrue(update.getMessage().contains("cannot be changed"), update.getMessage());
            java.sql.SQLException delete = assertThrows(java.sql.SQLException.class,
                    () -> Sql.execute(db, "DELETE FROM audit.record WHERE seq = " + seq));
            assertTrue(delete.getMessage().contains("younger than the retention minimum"), delete.getMessage());
            assertThrows(java.sql.SQLException.class, () -> Sql.execute(db, "TRUNCATE audit.record"));
            assertThrows(java.sql.SQLException.class, () -> Sql.execute(db, "UPDATE audit.policy SET min_retention_days = 30"),
                    "the minimum never goes below 90 days");
        }
    }

    private static AuditRecordView view(PgAnalyticsServer server, long seq) throws Exception {
        try (Connection c = server.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return server.audit().views().view(StoredRecord.read(rs));
            }
        }
    }

    private static long count(DataSource db) throws Exception {
        return Long.parseLong(Sql.rows(db, "SELECT count(*) FROM audit.record").get(0).get(0));
    }
}
