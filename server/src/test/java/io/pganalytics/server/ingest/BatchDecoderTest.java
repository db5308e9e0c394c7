package io.pganalytics.server.ingest;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder refuses every malformed or out-of-bounds batch with a message that names the field. */
@Tag("fault-and-attack")
class BatchDecoderTest {
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final IngestConfig config = IngestConfig.from(io.pganalytics.server.config.ConfigLoader.load(null, Map.of(),
            Map.of("ingest.max-decompressed-bytes", "1MiB", "ingest.max-compressed-bytes", "64KiB",
                    "ingest.max-rows-per-snapshot", "100", "ingest.max-rows-per-batch", "150")).get("ingest"));
    private final BatchDecoder decoder = new BatchDecoder(config, JsonMapping.newMapper(), Clock.fixed(NOW, ZoneOffset.UTC));

    static String batch(String snapshots) {
        return "{\"schemaVersion\":1,\"batchId\":\"b-0123456789\",\"collectorVersion\":\"3.5.0\",\"createdAt\":\"2026-11-21T11:59:00Z\","
                + "\"snapshots\":[" + snapshots + "]}";
    }

    static String snapshot(String family, String collectedAt, String interval, String columns, String rows) {
        return "{\"target\":{\"systemIdentifier\":\"7312\",\"name\":\"db1\",\"host\":\"db1.example\",\"port\":5432},"
                + "\"family\":\"" + family + "\",\"collectedAt\":\"" + collectedAt + "\",\"intervalSeconds\":" + interval
                + ",\"columns\":" + columns + ",\"rows\":" + rows + "}";
    }

    static String databaseSnapshot(String rows) {
        return snapshot("database", "2026-11-21T11:59:00Z", "60", "[\"datname\",\"xact_commit\",\"xact_rollback\",\"blks_hit\",\"blks_read\"]", rows);
    }

    private DecodedBatch decode(String json) {
        return decoder.decode(gzip(json), true);
    }

    private ApiException refused(String json) {
        return assertThrows(ApiException.class, () -> decode(json));
    }

    @Test
    void aValidBatchIsEncodedForCopyWithKeyFigures() {
        DecodedBatch batch = decode(batch(databaseSnapshot("[[\"app\",600,0,990,10],[\"postgres\",60,0,0,0]]")));
        assertEquals("b-0123456789", batch.batchId());
        assertEquals(2, batch.rows());
        DecodedBatch.TargetPart part = batch.targets().getFirst();
        assertEquals(java.util.Set.of("app", "postgres"), part.databases());
        assertEquals(11.0, part.figures().figures().get("tps"), 1e-9, "(600 + 60) commits over 60 s");
        assertEquals(0.99, part.figures().figures().get("cache_hit_ratio"), 1e-9);
        String copy = new String(part.families().values().iterator().next().bytes(), StandardCharsets.UTF_8);
        assertTrue(copy.startsWith("2026-11-21T11:59:00Z\t60\tapp\t\\N\t600\t0\t"), copy);
    }

    @Test
    void textsAreEscapedForCopy() {
        DecodedBatch batch = decode(batch(snapshot("statement_texts", "2026-11-21T11:59:00Z", "null",
                "[\"dbid\",\"queryid\",\"datname\",\"query\"]", "[[5,42,\"app\",\"SELECT '\\\\t'\\n\\tFROM x -- \\\\\"]]")));
        String copy = new String(batch.targets().getFirst().families().values().iterator().next().withPrefix("9"), StandardCharsets.UTF_8);
        assertEquals("9\t2026-11-21T11:59:00Z\t\\N\t5\t42\tapp\tSELECT '\\\\t'\\n\\tFROM x -- \\\\\n", copy);
    }

    @Test
    void aCorruptGzipIsMalformed() {
        byte[] body = gzip(batch(databaseSnapshot("[]")));
        body[body.length / 2] ^= 0x5a;
        body[body.length / 2 + 1] ^= 0x5a;
        ApiException e = assertThrows(ApiException.class, () -> decoder.decode(body, true));
        assertTrue(e.type() == ErrorType.MALFORMED_REQUEST, e.getMessage());
    }

    @Test
    void aZipBombIsRefusedAsSoonAsItInflatesPastTheLimit() {
        byte[] bomb = gzip(" ".repeat(50 * 1024 * 1024) + batch(""));
        assertTrue(bomb.length < 64 * 1024, "fifty megabytes of spaces compress to " + bomb.length + " bytes");
        ApiException e = assertThrows(ApiException.class, () -> decoder.decode(bomb, true));
        assertEquals(ErrorType.PAYLOAD_TOO_LARGE, e.type());
        assertTrue(e.getMessage().contains("inflates to more than"), e.getMessage());
    }

    @Test
    void badJsonIsMalformed() {
        assertEquals(ErrorType.MALFORMED_REQUEST, refused("{\"schemaVersion\":1,").type());
        assertEquals(ErrorType.MALFORMED_REQUEST, refused("[]").type());
    }

    @Test
    void nanAndInfinityAreRefused() {
        assertEquals(ErrorType.MALFORMED_REQUEST, refused(batch(databaseSnapshot("[[\"app\",NaN,0,0,0]]"))).type());
        ApiException e = refused(batch(snapshot("activity", "2026-11-21T11:59:00Z", "null", "[\"datname\",\"longest_query_seconds\"]",
                "[[\"app\",1e400]]")));
        assertTrue(e.getMessage().contains("must be a finite number"), e.getMessage());
    }

    @Test
    void eachKindOfBadValueNamesItsPlace() {
        assertMessage(batch(databaseSnapshot("[[\"app\",-5,0,0,0]]")), "snapshots[0].rows[0][1]", "cannot be negative");
        assertMessage(batch(databaseSnapshot("[[\"app\",\"600\",0,0,0]]")), "snapshots[0].rows[0][1]", "whole number");
        assertMessage(batch(databaseSnapshot("[[\"app\",1.5,0,0,0]]")), "snapshots[0].rows[0][1]", "whole number");
        assertMessage(batch(databaseSnapshot("[[\"app\",1,0,0]]")), "snapshots[0].rows[0]", "5 values");
        assertMessage(batch(databaseSnapshot("[[42,1,0,0,0]]")), "snapshots[0].rows[0][0]", "must be a string");
        assertMessage(batch(snapshot("nosuchfamily", "2026-11-21T11:59:00Z", "60", "[\"x\"]", "[]")), "snapshots[0].family", "unknown family");
        assertMessage(batch(snapshot("database", "2026-11-21T11:59:00Z", "60", "[\"datname\",\"bogus\"]", "[]")), "snapshots[0].columns[1]", "not a column");
        assertMessage(batch(snapshot("database", "2026-11-21T11:59:00Z", "60", "[\"datname\",\"datname\"]", "[]")), "snapshots[0].columns[1]", "twice");
        assertMessage(batch(snapshot("database", "2026-11-21T11:59:00Z", "null", "[\"datname\",\"xact_commit\"]", "[]")), "intervalSeconds", "carries counters");
        assertMessage(batch(snapshot("database", "2026-11-01T11:59:00Z", "60", "[\"datname\"]", "[]")), "collectedAt", "outside the accepted window");
        assertMessage(batch(snapshot("database", "2026-11-21T12:30:00Z", "60", "[\"datname\"]", "[]")), "collectedAt", "outside the accepted window");
        assertMessage(batch(snapshot("database", "yesterday", "60", "[\"datname\"]", "[]")), "collectedAt", "ISO-8601");
        assertMessage(batch(snapshot("database", "2026-11-21T11:59:00Z", "-1", "[\"datname\"]", "[]")), "intervalSeconds", "number of seconds");
        assertMessage(batch(snapshot("statement_texts", "2026-11-21T11:59:00Z", "null", "[\"dbid\",\"queryid\"]", "[[1,2]]")), "rows[0]", "need query");
        assertMessage(batch(databaseSnapshot("[[\"a\\u0000b\",1,0,0,0]]")), "rows[0][0]", "NUL");
        assertMessage(batch(databaseSnapshot("[[\"" + "x".repeat(2000) + "\",1,0,0,0]]")), "rows[0][0]", "longer than 1024");
        assertMessage(batch(databaseSnapshot("[[\"app\",99999999999999999999999,0,0,0]]")), "rows[0][1]", "64 bits");
    }

    @Test
    void theEnvelopeIsCheckedToo() {
        assertMessage(batch(databaseSnapshot("[]")).replace("\"schemaVersion\":1", "\"schemaVersion\":2"), "schemaVersion", "not supported");
        assertMessage(batch(databaseSnapshot("[]")).replace("b-0123456789", "bad id!"), "batchId", "letters, digits");
        assertMessage(batch(""), "snapshots", "at least one");
        ApiException unknown = refused(batch(databaseSnapshot("[]")).replace("\"collectorVersion\"", "\"admin\":true,\"collectorVersion\""));
        assertTrue(unknown.getMessage().contains("unknown field 'admin'"), unknown.getMessage());
        assertMessage(batch(databaseSnapshot("[]").replace("\"port\":5432", "\"port\":0")), "target.port", "1 to 65535");
        assertMessage(batch(databaseSnapshot("[]").replace("\"7312\"", "\"x'; DROP TABLE y\"")), "systemIdentifier", "decimal");
    }

    @Test
    void rowsBeforeTheFieldsTheyDependOnAreReadWholeAndEncodedTheSameAsRowsStreamedInOrder() {
        String rows = "[[\"app\",600,0,990,10],[\"postgres\",60,0,0,0]]";
        String inOrder = databaseSnapshot(rows);
        String rowsFirst = "{\"rows\":" + rows + "," + inOrder.substring(1, inOrder.indexOf(",\"rows\":")) + "}";
        DecodedBatch streamed = decode(batch(inOrder));
        DecodedBatch buffered = decode(batch(rowsFirst));
        assertEquals(2, buffered.rows());
        byte[] expected = streamed.targets().getFirst().families().get(io.pganalytics.common.catalog.MetricCatalog.DATABASE).withPrefix("1");
        byte[] actual = buffered.targets().getFirst().families().get(io.pganalytics.common.catalog.MetricCatalog.DATABASE).withPrefix("1");
        assertEquals(new String(expected, StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8));
        assertMessage(batch(databaseSnapshot("[[\"app\",[1],0,0,0]]")), "rows[0][1]", "not an array");
        assertMessage(batch(databaseSnapshot("[[\"app\",1,0,0,0,7]]")), "snapshots[0].rows[0]", "5 values");
        assertMessage(batch(databaseSnapshot("[7]")), "snapshots[0].rows[0]", "5 values");
        assertMessage(batch(databaseSnapshot("{}")), "snapshots[0].rows", "must be an array");
        assertMessage(batch("{\"rows\":[]," + inOrder.substring(1, inOrder.indexOf(",\"rows\":")) + ",\"rows\":[]}"), "not valid JSON", "Duplicate field 'rows'");
    }

    /** {@code n} database rows, each of its own database (keys are unique per snapshot). */
    private static String distinctRows(int n) {
        return "[" + String.join(",", java.util.stream.IntStream.range(0, n).mapToObj(i -> "[\"db" + i + "\",1,0,0,0]").toList()) + "]";
    }

    @Test
    void rowLimitsPerSnapshotAndPerBatchAreEnforced() {
        String hundredOne = distinctRows(101);
        assertEquals(ErrorType.PAYLOAD_TOO_LARGE, refused(batch(databaseSnapshot(hundredOne))).type());
        String eighty = distinctRows(80);
        ApiException e = refused(batch(databaseSnapshot(eighty) + "," + databaseSnapshot(eighty)));
        assertTrue(e.getMessage().contains("more than 150 rows"), e.getMessage());
    }

    @Test
    void anUnreadableSystemIdentifierIsAcceptedAndTheInstanceIsKnownByItsAddress() {
        DecodedBatch batch = decode(batch(databaseSnapshot("[[\"app\",1,0,0,0]]").replace("\"7312\"", "null")));
        assertEquals("0", batch.targets().getFirst().target().systemIdentifier());
    }

    @Test
    void plainJsonIsAcceptedWithoutGzip() {
        assertEquals(1, decoder.decode(batch(databaseSnapshot("[[\"app\",1,0,0,0]]")).getBytes(StandardCharsets.UTF_8), false).rows());
    }

    private void assertMessage(String json, String where, String what) {
        ApiException e = refused(json);
        String text = e.getMessage() + " " + e.details();
        assertTrue(text.contains(where) && text.contains(what), "expected '" + where + "' and '" + what + "' in: " + text);
        assertTrue(e.type().status() >= 400 && e.type().status() < 500, e.type().toString());
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aKeyTwiceInOneSnapshotIsRefusedNamingTheFamilyAndTheKey() {
        ApiException e = refused(batch(databaseSnapshot("[[\"app\",1,0,0,0],[\"postgres\",1,0,0,0],[\"app\",2,0,0,0]]")));
        assertEquals(ErrorType.VALIDATION_FAILED, e.type(), e.getMessage());
        assertTrue(e.getMessage().contains("database") && e.getMessage().contains("datname=app") && e.getMessage().contains("rows[2]"),
                e.getMessage());
        ApiException statements = refused(batch(snapshot("statements", "2026-11-21T11:59:00Z", "60",
                "[\"dbid\",\"userid\",\"queryid\",\"toplevel\",\"calls\"]", "[[5,10,42,true,1],[5,10,42,false,1],[5,10,42,true,3]]")));
        assertTrue(statements.getMessage().contains("statements") && statements.getMessage().contains("queryid=42"), statements.getMessage());
    }

    @Test
    void rowsThatDifferInOneKeyColumnOrRepeatInAnotherSnapshotAreAccepted() {
        DecodedBatch decoded = decode(batch(databaseSnapshot("[[\"app\",1,0,0,0],[\"App\",1,0,0,0]]") + ","
                + databaseSnapshot("[[\"app\",1,0,0,0]]").replace("11:59:00Z", "11:58:00Z")));
        assertEquals(3, decoded.rows());
    }
}
