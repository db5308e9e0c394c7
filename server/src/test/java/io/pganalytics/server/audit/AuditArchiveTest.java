package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retention: the minimum follows the configuration upward only; old records go to a signed file, then away; the chain verifies from the anchor. */
class AuditArchiveTest {

    @Test
    void recordsPastTheMinimumAreArchivedToASignedFileRemovedAndTheChainVerifiesFromTheAnchor() throws Exception {
        try (PgAnalyticsServer server = TestServers.start(SharedPostgres.newDatabase("audit_archive"), TestServers.newClusterName(),
                Map.of("audit.min-retention-days", "120"))) {
            DataSource db = server.database().dataSource();
            assertEquals("120", Sql.rows(db, "SELECT min_retention_days FROM audit.policy").get(0).get(0), "raised from the configuration");
            AuditIntegrity lower = new AuditIntegrity(AuditConfig.defaults(), db, server.crypto().sealer(), null, TestServers.tempDir(), "other", Clock.systemUTC());
            lower.raiseRetentionMinimum();
            assertEquals("120", Sql.rows(db, "SELECT min_retention_days FROM audit.policy").get(0).get(0), "never lowered");
            lower.close();
            java.sql.SQLException lowered = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> Sql.execute(db, "UPDATE audit.policy SET min_retention_days = 100"));
            assertTrue(lowered.getMessage().contains("cannot be lowered"), lowered.getMessage());

            assertEquals("0", Sql.rows(db, "SELECT count(*) FROM audit.record").get(0).get(0));
            Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(200)), ZoneOffset.UTC);
            try (AuditLog old = new AuditLog(AuditConfig.defaults(), db, server.audit().personKeys(), "node-past", past, new MetricsRegistry())) {
                old.start();
                for (int i = 0; i < 30; i++) {
                    old.appendNow(AuditEvent.change("test.old", "thing", Integer.toString(i))
                            .actor(new AuditEvent.Actor("user", "7", "carol", List.of("admin"), "192.0.2.10", "test")));
                }
            }
            for (int i = 0; i < 5; i++) {
                server.audit().log().appendNow(AuditEvent.system("test.young").detail("n", i));
            }
            AuditArchiver.Archived archived = server.audit().integrity().archiver().archiveNow().orElseThrow();
            assertEquals(1, archived.firstSeq());
            assertEquals(30, archived.lastSeq());
            assertEquals(30, archived.removed());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archived.file())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archived.file().getParent())));
            List<String> lines = Files.readAllLines(archived.file());
            assertEquals(30, lines.size());
            assertEquals(1, AuditJsonl.parse(lines.get(0)).seq());

            List<String> row = Sql.rows(db, "SELECT encode(last_hash, 'hex'), encode(file_sha256, 'hex'), key_id, encode(signature, 'base64')"
                    + " FROM audit.archive").get(0);
            assertEquals(archived.sha256(), row.get(1));
            var key = server.audit().integrity().keys().publicKeys().get(row.get(2));
            byte[] statement = AuditArchiver.statement(1, 30, HexFormat.of().parseHex(row.get(0)), HexFormat.of().parseHex(row.get(1)));
            assertTrue(AuditSigningKeys.verify(key, statement, Base64.getMimeDecoder().decode(row.get(3))), "the file's digest is signed");

            java.nio.file.Path pem = archived.file().resolveSibling("audit-public.pem");
            Files.writeString(pem, AuditSigningKeys.pem(key));
            assertEquals(AuditCommand.OK, OfflineVerifiers.java(archived.file(), "--public-key", pem.toString()).exit(), "the CLI verifies the archive");
            OfflineVerifiers.Result python = OfflineVerifiers.python(archived.file(), "--public-key", pem.toString());
            assertEquals(0, python.exit(), python.output());
            assertTrue(python.output().contains("archive signature verified"), python.output());
            java.nio.file.Path forged = archived.file().resolveSibling("forged.jsonl");
            Files.writeString(forged, Files.readString(archived.file()).replaceFirst("test.old", "test.forged"));
            assertEquals(AuditCommand.NOT_INTACT, OfflineVerifiers.java(forged).exit());
            python = OfflineVerifiers.python(forged);
            assertEquals(3, python.exit(), python.output());
            assertTrue(python.output().contains("altered at record 1"), python.output());

            assertEquals("5", Sql.rows(db, "SELECT count(*) FROM audit.record").get(0).get(0));
            server.audit().log().appendNow(AuditEvent.system("test.after-archive"));
            AuditVerification result = server.audit().integrity().verify(null, null);
            assertTrue(result.intact(), result.message());
            assertEquals(31, result.fromSeq());
            assertEquals(6, result.checked());

            assertEquals("0", Sql.rows(db, "SELECT audit.remove_archived(1000)").get(0).get(0), "nothing past the archive is removed");
            assertTrue(server.audit().integrity().archiver().archiveNow().isEmpty(), "young records stay");
            assertEquals("6", Sql.rows(db, "SELECT count(*) FROM audit.record").get(0).get(0));
        }
    }
}
