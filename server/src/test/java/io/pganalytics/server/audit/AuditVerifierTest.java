package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.audit.AuditVerification;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.Sql;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tampering with the chain directly in the database (as the superuser, with the immutability triggers disabled, as an
 * attacker holding the database would): verification names the first bad record and what was done to it. Records
 * 1..50 are written, a checkpoint is signed at 40; every test tampers, verifies and the chain is restored after it.
 */
class AuditVerifierTest {
    private static PgAnalyticsServer server;
    private static DataSource db;
    private static AuditIntegrity integrity;

    @BeforeAll
    static void writeChain() throws Exception {
        server = TestServers.start(SharedPostgres.newDatabase("audit_verify"), TestServers.newClusterName(), Map.of());
        db = server.database().dataSource();
        integrity = server.audit().integrity();
        AuditLog log = server.audit().log();
        long head = Long.parseLong(Sql.rows(db, "SELECT coalesce(max(seq), 0) FROM audit.record").get(0).get(0));
        while (head < 40) {
            head = log.appendNow(AuditEvent.change("test.change", "thing", Long.toString(head))
                    .actor(new AuditEvent.Actor("user", "7", "carol", List.of("admin"), "192.0.2.10", "test"))
                    .change(Map.of("n", head), Map.of("n", head + 1)));
        }
        assertEquals(40L, integrity.checkpoints().checkpointNow().orElseThrow());
        while (head < 50) {
            head = log.appendNow(AuditEvent.system("test.after-checkpoint").detail("n", head));
        }
        Sql.execute(db, "CREATE TABLE public.saved_chain AS SELECT * FROM audit.record WHERE seq <= 50");
        Sql.execute(db, "CREATE TABLE public.saved_checkpoints AS SELECT * FROM audit.checkpoint");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void restore() throws SQLException {
        tamper("DELETE FROM audit.record", "INSERT INTO audit.record SELECT * FROM public.saved_chain",
                "DELETE FROM audit.checkpoint", "INSERT INTO audit.checkpoint SELECT * FROM public.saved_checkpoints");
    }

    @Test
    void anUntouchedChainVerifiesWithItsSignedCheckpoint() {
        AuditVerification result = integrity.verify(null, 50L);
        assertTrue(result.intact(), result.message());
        assertEquals(50, result.checked());
        assertEquals(1, result.checkpoints());
        assertEquals(40L, result.lastCheckpoint());
    }

    @Test
    void aChangedFieldOfAnOldRecordIsNamedAltered() throws SQLException {
        tamper("UPDATE audit.record SET details = replace(details, '\"n\"', '\"m\"') WHERE seq = 12");
        assertProblem(12, "altered", integrity.verify(null, null));
    }

    @Test
    void aDeletedRecordIsNamedRemoved() throws SQLException {
        tamper("DELETE FROM audit.record WHERE seq = 20");
        assertProblem(20, "removed", integrity.verify(null, null));
    }

    @Test
    void aDeletedRecordWithTheRestRenumberedIsNamedRemoved() throws SQLException {
        tamper("DELETE FROM audit.record WHERE seq = 20", "UPDATE audit.record SET seq = -seq WHERE seq > 20",
                "UPDATE audit.record SET seq = -seq - 1 WHERE seq < 0");
        assertProblem(20, "removed", integrity.verify(null, null));
    }

    @Test
    void aForgedRecordThatDoesNotChainIsNamedInserted() throws SQLException {
        tamper("INSERT INTO audit.record SELECT 51, at, node, category, 'forged', outcome, actor_kind, actor_id, actor_roles,"
                + " resource_type, resource_id, status, error_type, duration_us, details, actor_personal, subject_id, subject_personal,"
                + " sha256('not the chain'::bytea), hash FROM audit.record WHERE seq = 50");
        rehash(51);
        assertProblem(51, "inserted", integrity.verify(null, null));
    }

    @Test
    void aRecordSlippedIntoTheMiddleWithTheRestRenumberedIsNamedInserted() throws SQLException {
        tamper("UPDATE audit.record SET seq = -seq WHERE seq >= 25", "UPDATE audit.record SET seq = -seq + 1 WHERE seq < 0",
                "INSERT INTO audit.record SELECT 25, at, node, category, 'forged', outcome, actor_kind, actor_id, actor_roles,"
                        + " resource_type, resource_id, status, error_type, duration_us, details, actor_personal, subject_id,"
                        + " subject_personal, hash, hash FROM audit.record WHERE seq = 24");
        rehash(25);
        assertProblem(25, "inserted", integrity.verify(null, null));
    }

    @Test
    void twoSwappedRecordsAreNamedReordered() throws SQLException {
        tamper("UPDATE audit.record SET seq = -1 WHERE seq = 30", "UPDATE audit.record SET seq = 30 WHERE seq = 31",
                "UPDATE audit.record SET seq = 31 WHERE seq = -1");
        assertProblem(30, "reordered", integrity.verify(null, null));
    }

    @Test
    void aTailCutBeforeTheSignedCheckpointIsNamedTruncated() throws SQLException {
        tamper("DELETE FROM audit.record WHERE seq >= 38");
        assertProblem(38, "truncated", integrity.verify(null, null));
    }

    @Test
    void aForgedCheckpointSignatureIsNamedBadCheckpoint() throws SQLException {
        tamper("UPDATE audit.checkpoint SET signed_at = signed_at + interval '1 second' WHERE seq = 40");
        assertProblem(40, "bad_checkpoint", integrity.verify(null, null));
    }

    @Test
    void aRangeIsVerifiedFromTheStoredHashBeforeIt() throws SQLException {
        tamper("UPDATE audit.record SET action = 'forged' WHERE seq = 5");
        AuditVerification later = integrity.verify(10L, 45L);
        assertTrue(later.intact(), later.message());
        assertEquals(10, later.fromSeq());
        assertEquals(36, later.checked());
        assertProblem(5, "altered", integrity.verify(1L, 45L));
    }

    @Test
    void theVerifyRouteAnswersAuditorsAndRefusesBadRanges() throws Exception {
        ApiClient api = new ApiClient(server);
        String admin = api.loginAdmin();
        ApiClient.Response ok = api.get("/audit/verify?to=50", admin);
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.json().get("intact").asBoolean(), ok.body());
        assertEquals(400, api.get("/audit/verify?from=abc", admin).status());
        assertEquals(400, api.get("/audit/verify?from=9&to=3", admin).status());
        assertEquals(403, api.get("/audit/verify", api.loginNewViewer("verify-viewer")).status());

        ApiClient.Response keys = api.get("/audit/public-keys", admin);
        assertEquals(200, keys.status(), keys.body());
        JsonNode key = keys.json().get("keys").get(0);
        assertEquals("P-256", key.get("jwk").get("crv").asText());
        PublicKey publicKey = AuditSigningKeys.publicKeyFromPem(key.get("pem").asText());
        JsonNode checkpoint = api.get("/audit/checkpoints", admin).json().get(0);
        byte[] statement = AuditCanonical.checkpointStatement(checkpoint.get("seq").asLong(),
                HexFormat.of().parseHex(checkpoint.get("headHash").asText()), checkpoint.get("signedAtMicros").asLong());
        assertTrue(AuditSigningKeys.verify(publicKey, statement, Base64.getDecoder().decode(checkpoint.get("signature").asText())),
                "a checkpoint verifies offline with the published key");
        ApiClient.Response status = api.get("/audit/status", admin);
        assertEquals(200, status.status(), status.body());
        assertTrue(status.json().has("ownershipSeparated"), status.body());
    }

    @Test
    void anExportWithItsCheckpointsVerifiesOfflineWithTheJavaAndThePythonVerifiersAndATamperedOneDoesNot() throws Exception {
        java.nio.file.Path dir = TestServers.tempDir();
        java.nio.file.Path export = dir.resolve("export.jsonl");
        StringBuilder lines = new StringBuilder();
        for (long seq = 1; seq <= 50; seq++) {
            lines.append(AuditJsonl.line(read(seq))).append('\n');
        }
        java.nio.file.Files.writeString(export, lines);
        java.nio.file.Path checkpoints = dir.resolve("checkpoints.json");
        java.nio.file.Files.writeString(checkpoints, io.pganalytics.common.json.JsonMapping.newMapper()
                .writeValueAsString(integrity.checkpoints().list(null, 100)));
        java.nio.file.Path pem = dir.resolve("audit.pem");
        java.nio.file.Files.writeString(pem, AuditSigningKeys.pem(integrity.keys().publicKeys().values().iterator().next()));
        OfflineVerifiers.Result cli = OfflineVerifiers.java(export, "--public-key", pem.toString(), "--checkpoints", checkpoints.toString());
        assertEquals(AuditCommand.OK, cli.exit(), cli.output());
        assertTrue(cli.output().contains("1 signed checkpoint(s) verified"), cli.output());
        OfflineVerifiers.Result python = OfflineVerifiers.python(export, "--public-key", pem.toString(), "--checkpoints", checkpoints.toString());
        assertEquals(0, python.exit(), python.output());
        assertTrue(python.output().contains("1 signed checkpoint(s) verified"), python.output());

        java.nio.file.Path cut = dir.resolve("cut.jsonl");
        java.nio.file.Files.write(cut, java.nio.file.Files.readAllLines(export).stream().filter(l -> !l.startsWith("{\"seq\":20,")).toList());
        python = OfflineVerifiers.python(cut);
        assertEquals(3, python.exit(), python.output());
        assertTrue(python.output().contains("removed at record 20"), python.output());
        assertEquals(AuditCommand.NOT_INTACT, OfflineVerifiers.java(cut).exit());
    }

    @Test
    void hugeAndMaliciousValuesAreBoundedAndTheChainStillVerifies() throws Exception {
        String huge = "agent\u0000\u001b[2J\r\n".repeat(1_000_000);
        long seq = server.audit().log().appendNow(AuditEvent.api("GET /api/v1/instances")
                .actor(new AuditEvent.Actor("user", "8", "mallory\nforged-line", List.of("viewer"), "192.0.2.66", huge))
                .detail("query", huge).status(200, null));
        List<String> stored = Sql.rows(db, "SELECT octet_length(actor_personal), octet_length(details), details FROM audit.record WHERE seq = " + seq).get(0);
        assertTrue(Integer.parseInt(stored.get(0)) < 4096, "the sealed actor is bounded: " + stored.get(0));
        assertTrue(Integer.parseInt(stored.get(1)) <= AuditText.DETAILS_BYTES, "details are bounded: " + stored.get(1));
        var view = server.audit().views().view(read(seq));
        assertTrue(view.actor().userAgent().length() < AuditText.SHORT + 64, view.actor().userAgent().length() + " characters");
        assertTrue(view.actor().userAgent().chars().noneMatch(Character::isISOControl), "no control character is kept");
        assertTrue(view.actor().name().chars().noneMatch(Character::isISOControl), view.actor().name());
        assertTrue(!new String(stored.get(2).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("\u001b"));
        AuditVerification result = integrity.verify(null, null);
        assertTrue(result.intact(), result.message());
        tamper("DELETE FROM audit.record WHERE seq > 50");
    }

    private static void assertProblem(long seq, String problem, AuditVerification result) {
        assertEquals(problem, result.problem(), result.message());
        assertEquals(seq, result.firstBadSeq(), result.message());
        assertTrue(!result.intact());
    }

    private static StoredRecord read(long seq) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq = " + seq); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return StoredRecord.read(rs);
        }
    }

    /** Gives a forged record a hash of its own content: it is self-consistent, as a careful forger would make it. */
    private static void rehash(long seq) throws SQLException {
        StoredRecord r = read(seq);
        byte[] hash = AuditCanonical.hash(r.prevHash(), r.fields());
        tamper("UPDATE audit.record SET hash = '\\x" + HexFormat.of().formatHex(hash) + "'::bytea WHERE seq = " + seq);
    }

    /** Runs statements as the superuser with the record table's triggers disabled. */
    private static void tamper(String... statements) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("ALTER TABLE audit.record DISABLE TRIGGER USER");
                st.execute("ALTER TABLE audit.checkpoint DISABLE TRIGGER USER");
                for (String statement : statements) {
                    st.execute(statement);
                }
                st.execute("ALTER TABLE audit.record ENABLE TRIGGER USER");
                st.execute("ALTER TABLE audit.checkpoint ENABLE TRIGGER USER");
            }
            c.commit();
        }
    }
}
