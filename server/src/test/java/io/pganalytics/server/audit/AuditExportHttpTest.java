package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.audit.AuditCanonical;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/v1/audit/export} over real HTTP: JSON lines an outsider can verify, CSV safe to open, bounded. */
class AuditExportHttpTest {
    private static final int MAX = 40;
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static String admin;
    private static long setupHead;
    private static final ObjectMapper JSON = JsonMapping.newMapper();

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("audit_export"), TestServers.newClusterName(),
                Map.of("audit.export-max-records", Integer.toString(MAX)));
        api = new ApiClient(server);
        admin = api.loginAdmin();
        AuditLog log = server.audit().log();
        AuditEvent.Actor evil = AuditEvent.Actor.user("4242", "=HYPERLINK(\"http://x\")", Set.of(Role.ADMIN), "192.0.2.1",
                "@SUM(1+1)\"quoted\", with comma\nand line");
        log.appendNow(AuditEvent.change("export.thing.update", "thing", "-2+3").actor(evil).change(Map.of("v", "+cmd|' /C calc'!A0"), Map.of("v", "ok")));
        setupHead = log.appendNow(AuditEvent.system("export.plain").detail("note", "héllo ✓"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jsonLinesCarryEveryStoredFieldSoThatTheChainRecomputesFromTheFileAlone() throws Exception {
        ApiClient.Response response = api.get("/audit/export?format=jsonl&fromSeq=1&toSeq=" + setupHead, admin);
        assertEquals(200, response.status(), response.body());
        assertEquals("application/x-ndjson", response.header("Content-Type").orElse(""));
        assertTrue(response.header("Content-Disposition").orElse("").startsWith("attachment"));
        String[] lines = response.body().split("\n", -1);
        assertEquals("", lines[lines.length - 1], "every line ends with a line feed");
        byte[] previous = AuditCanonical.GENESIS;
        long expected = 1;
        boolean sawSealed = false;
        for (int i = 0; i < lines.length - 1; i++) {
            JsonNode r = JSON.readTree(lines[i]);
            assertEquals(List.of("seq", "at", "at_micros", "node", "category", "action", "outcome", "actor_kind", "actor_id", "actor_roles",
                    "resource_type", "resource_id", "status", "error_type", "duration_us", "details", "actor_personal", "subject_id",
                    "subject_personal", "prev_hash", "hash"), fieldNames(r));
            assertEquals(expected++, r.get("seq").asLong());
            assertTrue(r.get("at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), r.get("at").asText());
            byte[] prev = HexFormat.of().parseHex(r.get("prev_hash").asText());
            assertArrayEquals(previous, prev, "record " + r.get("seq") + " chains to the line before");
            sawSealed |= !r.get("actor_personal").isNull();
            AuditCanonical.Fields fields = new AuditCanonical.Fields(r.get("seq").asLong(), r.get("at_micros").asLong(), text(r, "node"),
                    text(r, "category"), text(r, "action"), text(r, "outcome"), text(r, "actor_kind"), text(r, "actor_id"),
                    text(r, "actor_roles"), text(r, "resource_type"), text(r, "resource_id"),
                    r.get("status").isNull() ? null : r.get("status").asInt(), text(r, "error_type"),
                    r.get("duration_us").isNull() ? null : r.get("duration_us").asLong(), text(r, "details"), base64(r, "actor_personal"),
                    text(r, "subject_id"), base64(r, "subject_personal"));
            byte[] hash = AuditCanonical.hash(prev, fields);
            assertEquals(r.get("hash").asText(), HexFormat.of().formatHex(hash), "record " + r.get("seq") + " hashes to what the file says");
            previous = hash;
        }
        assertTrue(sawSealed, "sealed personal fields are exported as base64, not opened");
        assertTrue(lines.length - 1 >= 2);
    }

    @Test
    void csvIsOpenedForPeopleAndDefusesFormulas() {
        ApiClient.Response response = api.get("/audit/export?format=csv&fromSeq=1&toSeq=" + setupHead, admin);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.header("Content-Type").orElse("").startsWith("text/csv"));
        String body = response.body();
        assertTrue(body.startsWith("\"seq\",\"at\",\"node\",\"category\",\"action\""), body.substring(0, 80));
        assertTrue(body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "the opened actor name, defused and quoted: " + body);
        assertTrue(body.contains("\"'@SUM(1+1)\"\"quoted\"\", with comma"), "user agent defused, quotes doubled");
        assertTrue(body.contains("\"'-2+3\""), "resource id defused");
        assertTrue(body.contains("héllo ✓"), "UTF-8 kept");
        assertTrue(body.contains("\"192.0.2.1\""), "the client address opened for people");
        for (String cell : cells(body)) {
            assertTrue(cell.isEmpty() || "=+-@\t\r".indexOf(cell.charAt(0)) < 0, "no cell starts like a formula: " + cell);
        }
    }

    @Test
    void anExportLargerThanTheLimitIsRefusedNamingTheLimit() {
        for (int i = 0; i < MAX + 5; i++) {
            server.audit().log().submit(AuditEvent.api("GET /api/v1/export-filler").status(200, null));
        }
        assertTrue(server.audit().log().flush(java.time.Duration.ofSeconds(10)));
        ApiClient.Response response = api.get("/audit/export?format=jsonl", admin);
        assertEquals(400, response.status(), response.body());
        assertEquals("range", response.json().get("details").get(0).get("field").asText());
        assertTrue(response.json().get("message").asText().contains("audit.export-max-records"), response.body());
        assertEquals(200, api.get("/audit/export?format=jsonl&fromSeq=1&toSeq=5", admin).status(), "a narrower range goes");
        assertEquals(400, api.get("/audit/export?format=xml", admin).status());
        assertEquals(400, api.get("/audit/export?fromSeq=9&toSeq=2", admin).status());
        assertEquals(403, api.get("/audit/export", api.loginNewViewer("export.viewer")).status());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String text(JsonNode r, String field) {
        return r.get(field).isNull() ? null : r.get(field).asText();
    }

    private static byte[] base64(JsonNode r, String field) {
        return r.get(field).isNull() ? null : Base64.getDecoder().decode(r.get(field).asText());
    }

    /** The cells' contents (unquoted) of a CSV text whose every cell is quoted. */
    private static List<String> cells(String csv) {
        List<String> cells = new ArrayList<>();
        int i = 0;
        while (i < csv.length()) {
            if (csv.charAt(i) != '"') {
                i++;
                continue;
            }
            StringBuilder cell = new StringBuilder();
            i++;
            while (i < csv.length()) {
                char c = csv.charAt(i);
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i += 2;
                } else if (c == '"') {
                    i++;
                    break;
                } else {
                    cell.append(c);
                    i++;
                }
            }
            cells.add(cell.toString());
        }
        return cells;
    }
}
