package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long verification of a long chain takes. In the suite it runs on 20,000 records; the documented figure
 * (docs/BENCHMARKS.md, "Audit chain verification") comes from
 * {@code ./mvnw -B -o -pl server -am test -Dtest=AuditVerifyBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false -Daudit.bench.records=1000000}.
 * The records are realistic in size (an API call's fields, a sealed actor of 120 bytes) and written straight to the
 * table (the writer's own speed is another benchmark); the figure is printed, never asserted.
 */
class AuditVerifyBenchmarkTest {
    private static final Logger LOG = LoggerFactory.getLogger(AuditVerifyBenchmarkTest.class);
    private static final String INSERT = "INSERT INTO audit.record (seq, at, node, category, action, outcome, actor_kind, actor_id,"
            + " actor_roles, resource_type, resource_id, status, error_type, duration_us, details, actor_personal, subject_id,"
            + " subject_personal, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    @Test
    void verifiesAChainOfManyRecordsInOneStreamingPassAndPrintsTheRate() throws Exception {
        int records = Integer.getInteger("audit.bench.records", 20_000);
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("audit_bench"), TestServers.newClusterName(), Map.of())) {
            DataSource db = server.database().dataSource();
            long writeStart = System.nanoTime();
            write(db, records);
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            AuditVerification result = server.audit().integrity().verify(null, null);
            assertTrue(result.intact(), result.message());
            assertEquals(records, result.checked());
            String figure = String.format("audit verify: %,d records in %,d ms (%,.0f records/s; written in %.1f s; max heap %d MB)",
                    records, result.millis(), records * 1000.0 / Math.max(1, result.millis()), writeSeconds,
                    Runtime.getRuntime().maxMemory() / (1024 * 1024));
            LOG.info(figure);
            System.out.println(figure);
        }
    }

    private static void write(DataSource db, int records) throws Exception {
        byte[] previous = AuditCanonical.GENESIS;
        byte[] personal = new byte[120];
        Instant start = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            for (int i = 1; i <= records; i++) {
                personal[i % personal.length] ^= (byte) i;
                Instant at = start.plus(i, ChronoUnit.MILLIS);
                AuditCanonical.Fields f = new AuditCanonical.Fields(i, AuditLog.micros(at), "bench-node", "api",
                        "GET /api/v1/instances/{id}/series", "success", "user", "user-" + (i % 50), "operator,viewer", "instance",
                        Integer.toString(i % 500), 200, null, 1234L + i % 1000, "{\"query\":\"range=1h\",\"bytes\":" + (i % 9000) + "}",
                        personal.clone(), null, null);
                byte[] hash = AuditCanonical.hash(previous, f);
                insert.setLong(1, i);
                insert.setTimestamp(2, Timestamp.from(at));
                insert.setString(3, f.node());
                insert.setString(4, f.category());
                insert.setString(5, f.action());
                insert.setString(6, f.outcome());
                insert.setString(7, f.actorKind());
                insert.setString(8, f.actorId());
                insert.setString(9, f.actorRoles());
                insert.setString(10, f.resourceType());
                insert.setString(11, f.resourceId());
                insert.setInt(12, f.status());
                insert.setString(13, null);
                insert.setLong(14, f.durationMicros());
                insert.setString(15, f.details());
                insert.setBytes(16, f.actorPersonal());
                insert.setString(17, null);
                insert.setBytes(18, null);
                insert.setBytes(19, previous);
                insert.setBytes(20, hash);
                insert.addBatch();
                previous = hash;
                if (i % 5_000 == 0 || i == records) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        }
    }
}
