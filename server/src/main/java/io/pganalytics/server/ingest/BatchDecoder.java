package io.pganalytics.server.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.TargetRef;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.series.CopyEncoder;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a request body into a {@link DecodedBatch} or refuses it. The body is inflated through a counting stream
 * that stops at the configured limit (a zip bomb costs at most that much), parsed one snapshot at a time, and every
 * value is checked against the catalogue column it claims to be before it is COPY-encoded. Nothing is written here:
 * a batch with one bad value is refused whole.
 */
final class BatchDecoder {
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    private static final Pattern SYSTEM_IDENTIFIER = Pattern.compile("[0-9]{1,20}");
    private static final Set<String> BATCH_FIELDS = Set.of("schemaVersion", "batchId", "collectorVersion", "createdAt", "snapshots");
    private static final Set<String> SNAPSHOT_FIELDS = Set.of("target", "family", "collectedAt", "intervalSeconds", "columns", "rows");
    private static final Set<String> TARGET_FIELDS = Set.of("systemIdentifier", "name", "host", "port");
    private static final int MAX_KEY_LENGTH = 1024;
    /** Stands for a system identifier the collector could not read. */
    static final String UNKNOWN_SYSTEM_IDENTIFIER = "0";
    private static final double MAX_INTERVAL_SECONDS = 2 * 86_400;

    private final IngestConfig config;
    private final ObjectMapper mapper;
    /** Reads one snapshot from the middle of the stream (the shared mapper refuses trailing tokens, rightly, elsewhere). */
    private final ObjectReader snapshotReader;
    private final Clock clock;

    BatchDecoder(IngestConfig config, ObjectMapper mapper, Clock clock) {
        this.config = config;
        this.mapper = mapper;
        this.snapshotReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.clock = clock;
    }

    /** Decodes a body held in memory, inflating it first when {@code gzip}. */
    DecodedBatch decode(byte[] body, boolean gzip) {
        InputStream raw = new ByteArrayInputStream(body);
        if (!gzip) {
            return decode(raw);
        }
        try {
            return decode(new GZIPInputStream(raw, 16 * 1024));
        } catch (IOException e) {
            throw ApiException.malformed("the body is not valid gzip: " + e.getMessage());
        }
    }

    /** Decodes a body as it streams in (already inflated, e.g. by the web server), reading at most the limit. */
    DecodedBatch decode(InputStream body) {
        try (InputStream limited = new LimitedStream(body, config.maxDecompressedBytes());
             JsonParser parser = mapper.getFactory().createParser(limited)) {
            return parse(parser);
        } catch (ZipException | EOFException e) {
            throw ApiException.malformed("the body is not valid gzip: " + e.getMessage());
        } catch (StreamConstraintsException e) {
            throw ApiException.tooLarge("the batch exceeds a JSON size or nesting limit: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw ApiException.malformed("the batch is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): " + e.getOriginalMessage());
        } catch (java.io.UncheckedIOException e) {
            throw unreadable(e.getCause());
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    private static ApiException unreadable(IOException e) {
        if (e.getCause() instanceof ApiException api) {
            return api;
        }
        if (e instanceof ZipException || e instanceof EOFException) {
            return ApiException.malformed("the body is not valid gzip: " + e.getMessage());
        }
        return ApiException.malformed("the batch could not be read: " + e.getMessage());
    }

    private DecodedBatch parse(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw ApiException.malformed("the batch must be a JSON object");
        }
        Integer schemaVersion = null;
        String batchId = null;
        String collectorVersion = null;
        Instant createdAt = null;
        Map<TargetRef, DecodedBatch.TargetPart> targets = new LinkedHashMap<>();
        int[] totals = new int[2]; // snapshots, rows
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (!BATCH_FIELDS.contains(field)) {
                throw ApiException.malformed("unknown field '" + field + "' in the batch; known fields: " + BATCH_FIELDS);
            }
            if (!seen.add(field)) {
                throw ApiException.malformed("field '" + field + "' appears twice in the batch");
            }
            JsonToken token = parser.nextToken();
            switch (field) {
                case "schemaVersion" -> {
                    if (token != JsonToken.VALUE_NUMBER_INT) {
                        throw ApiException.invalid("schemaVersion", "must be a whole number");
                    }
                    schemaVersion = parser.getIntValue();
                }
                case "batchId" -> batchId = text(parser, token, "batchId", 64);
                case "collectorVersion" -> collectorVersion = text(parser, token, "collectorVersion", 64);
                case "createdAt" -> createdAt = instant(text(parser, token, "createdAt", 64), "createdAt");
                case "snapshots" -> {
                    if (token != JsonToken.START_ARRAY) {
                        throw ApiException.invalid("snapshots", "must be an array");
                    }
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        if (++totals[0] > config.maxSnapshots()) {
                            throw ApiException.tooLarge("the batch has more than " + config.maxSnapshots() + " snapshots");
                        }
                        JsonNode snapshot = snapshotReader.readTree(parser);
                        totals[1] += snapshot(snapshot, "snapshots[" + (totals[0] - 1) + "]", targets, totals[1]);
                    }
                }
                default -> throw new IllegalStateException(field);
            }
        }
        if (parser.nextToken() != null) {
            throw ApiException.malformed("unexpected content after the batch object");
        }
        List<ErrorDetail> missing = new ArrayList<>();
        if (schemaVersion == null) {
            missing.add(new ErrorDetail("schemaVersion", "is required"));
        }
        if (batchId == null) {
            missing.add(new ErrorDetail("batchId", "is required"));
        }
        if (!seen.contains("snapshots") || totals[0] == 0) {
            missing.add(new ErrorDetail("snapshots", "at least one snapshot is required"));
        }
        if (!missing.isEmpty()) {
            throw ApiException.invalid(missing);
        }
        if (schemaVersion != MetricBatch.SCHEMA_VERSION) {
            throw ApiException.invalid("schemaVersion", "version " + schemaVersion + " is not supported by this server (it reads "
                    + MetricBatch.SCHEMA_VERSION + "): upgrade the server or use a matching collector");
        }
        if (!BATCH_ID.matcher(batchId).matches()) {
            throw ApiException.invalid("batchId", "must be 8 to 64 letters, digits, '-' or '_'");
        }
        return new DecodedBatch(batchId, collectorVersion == null ? "" : collectorVersion,
                createdAt == null ? clock.instant() : createdAt, List.copyOf(targets.values()), totals[1]);
    }

    /** Validates and encodes one snapshot; returns its row count. */
    private int snapshot(JsonNode node, String path, Map<TargetRef, DecodedBatch.TargetPart> targets, int rowsSoFar) {
        if (!node.isObject()) {
            throw ApiException.invalid(path, "must be an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SNAPSHOT_FIELDS.contains(name)) {
                throw ApiException.malformed("unknown field '" + name + "' in " + path + "; known fields: " + SNAPSHOT_FIELDS);
            }
        }
        TargetRef target = target(node.get("target"), path + ".target");
        String familyName = requiredText(node, "family", path, 64);
        Family family = MetricCatalog.byName(familyName)
                .orElseThrow(() -> ApiException.invalid(path + ".family", "unknown family '" + familyName + "'"));
        Instant collectedAt = instant(requiredText(node, "collectedAt", path, 64), path + ".collectedAt");
        Instant now = clock.instant();
        if (collectedAt.isBefore(now.minus(config.maxAge())) || collectedAt.isAfter(now.plus(config.maxFutureSkew()))) {
            throw ApiException.invalid(path + ".collectedAt", collectedAt + " is outside the accepted window [now - "
                    + config.maxAge() + ", now + " + config.maxFutureSkew() + "]: check the collector's clock");
        }
        Double interval = interval(node.get("intervalSeconds"), path + ".intervalSeconds");
        int[] positions = columns(node.get("columns"), family, path + ".columns");
        if (interval == null && hasCounterColumn(family, positions)) {
            throw ApiException.invalid(path + ".intervalSeconds", "is required: family " + family.name() + " carries counters");
        }
        JsonNode rows = node.get("rows");
        if (rows == null || !rows.isArray()) {
            throw ApiException.invalid(path + ".rows", "must be an array");
        }
        if (rows.size() > config.maxRowsPerSnapshot()) {
            throw ApiException.tooLarge(path + " has " + rows.size() + " rows; the limit is " + config.maxRowsPerSnapshot());
        }
        if (rowsSoFar + rows.size() > config.maxRowsPerBatch()) {
            throw ApiException.tooLarge("the batch has more than " + config.maxRowsPerBatch() + " rows");
        }
        DecodedBatch.TargetPart part = targets.computeIfAbsent(target, DecodedBatch.TargetPart::new);
        part.seen(collectedAt);
        new RowWriter(family, positions, collectedAt, interval, part, path).write(rows);
        return rows.size();
    }

    private static boolean hasCounterColumn(Family family, int[] positions) {
        for (int p : positions) {
            if (p >= 0 && family.columns().get(p).role() == ColumnRole.COUNTER) {
                return true;
            }
        }
        return false;
    }

    private TargetRef target(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(path, "must be an object with systemIdentifier, name, host and port");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TARGET_FIELDS.contains(name)) {
                throw ApiException.malformed("unknown field '" + name + "' in " + path);
            }
        }
        // Null when the collector's role may not call pg_control_system(): the instance is then known by its address.
        JsonNode sysid = node.get("systemIdentifier");
        String systemIdentifier = UNKNOWN_SYSTEM_IDENTIFIER;
        if (sysid != null && !sysid.isNull()) {
            if (!sysid.isTextual() || !SYSTEM_IDENTIFIER.matcher(sysid.asText()).matches()) {
                throw ApiException.invalid(path + ".systemIdentifier", "must be the decimal system identifier of the cluster, or null");
            }
            systemIdentifier = sysid.asText();
        }
        String name = requiredText(node, "name", path, 200);
        String host = requiredText(node, "host", path, 255);
        JsonNode port = node.get("port");
        if (port == null || !port.isIntegralNumber() || port.asLong() < 1 || port.asLong() > 65535) {
            throw ApiException.invalid(path + ".port", "must be a port number from 1 to 65535");
        }
        return new TargetRef(systemIdentifier, name, host, port.asInt());
    }

    /** Maps the snapshot's columns to catalogue positions: result[i] is the catalogue index of the i-th column. */
    private static int[] columns(JsonNode node, Family family, String path) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.invalid(path, "must be a non-empty array of column names");
        }
        int[] positions = new int[node.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode name = node.get(i);
            int index = name.isTextual() ? family.indexOf(name.asText()) : -1;
            if (index < 0) {
                throw ApiException.invalid(path + "[" + i + "]", "'" + name.asText() + "' is not a column of family "
                        + family.name() + "; its columns are " + family.columnNames());
            }
            if (!seen.add(index)) {
                throw ApiException.invalid(path + "[" + i + "]", "column '" + name.asText() + "' appears twice");
            }
            positions[i] = index;
        }
        return positions;
    }

    private static Double interval(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble()) || node.asDouble() <= 0 || node.asDouble() > MAX_INTERVAL_SECONDS) {
            throw ApiException.invalid(path, "must be a number of seconds in (0, " + (long) MAX_INTERVAL_SECONDS + "]");
        }
        return node.asDouble();
    }

    private static String requiredText(JsonNode parent, String field, String path, int maxLength) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw ApiException.invalid(path + "." + field, "is required and must be a non-empty string");
        }
        String text = node.asText();
        if (text.length() > maxLength) {
            throw ApiException.invalid(path + "." + field, "is longer than " + maxLength + " characters");
        }
        return text;
    }

    private static String text(JsonParser parser, JsonToken token, String field, int maxLength) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw ApiException.invalid(field, "must be a string");
        }
        String text = parser.getText();
        if (text.length() > maxLength) {
            throw ApiException.invalid(field, "is longer than " + maxLength + " characters");
        }
        return text;
    }

    private static Instant instant(String text, String field) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "'" + text + "' is not an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
    }

    /** Checks and encodes one snapshot's rows in catalogue order, absent columns as null. */
    private final class RowWriter {
        private final Family family;
        private final int[] positions;
        private final Instant collectedAt;
        private final Double interval;
        private final DecodedBatch.TargetPart part;
        private final String path;
        private final Object[] values;

        RowWriter(Family family, int[] positions, Instant collectedAt, Double interval, DecodedBatch.TargetPart part, String path) {
            this.family = family;
            this.positions = positions;
            this.collectedAt = collectedAt;
            this.interval = interval;
            this.part = part;
            this.path = path;
            this.values = new Object[family.columns().size()];
        }

        void write(JsonNode rows) {
            CopyEncoder out = part.rows(family, collectedAt);
            FigureCollector figures = new FigureCollector(family, collectedAt, interval, part);
            for (int r = 0; r < rows.size(); r++) {
                JsonNode row = rows.get(r);
                if (!row.isArray() || row.size() != positions.length) {
                    throw ApiException.invalid(path + ".rows[" + r + "]", "must be an array of " + positions.length + " values, one per column");
                }
                java.util.Arrays.fill(values, null);
                for (int i = 0; i < positions.length; i++) {
                    Column column = family.columns().get(positions[i]);
                    values[positions[i]] = value(row.get(i), column, path + ".rows[" + r + "][" + i + "]");
                }
                if (family == MetricCatalog.STATEMENT_TEXTS) {
                    requireStatementText(r);
                }
                out.startRow().value(collectedAt);
                if (interval == null) {
                    out.nullValue();
                } else {
                    out.value(interval);
                }
                for (int c = 0; c < values.length; c++) {
                    encode(out, values[c]);
                }
                out.endRow();
                figures.row(values);
            }
        }

        private void requireStatementText(int r) {
            for (String required : List.of("dbid", "queryid", "query")) {
                if (values[family.indexOf(required)] == null) {
                    throw ApiException.invalid(path + ".rows[" + r + "]", "statement_texts rows need " + required);
                }
            }
        }

        private Object value(JsonNode node, Column column, String at) {
            if (node == null || node.isNull()) {
                return null;
            }
            String what = family.name() + "." + column.name();
            return switch (column.type()) {
                case TEXT -> {
                    if (!node.isTextual()) {
                        throw ApiException.invalid(at, what + " must be a string");
                    }
                    String text = node.asText();
                    int limit = column.role() == ColumnRole.KEY ? MAX_KEY_LENGTH : config.maxTextLength();
                    if (text.length() > limit) {
                        throw ApiException.invalid(at, what + " is longer than " + limit + " characters");
                    }
                    if (text.indexOf('\0') >= 0) {
                        throw ApiException.invalid(at, what + " contains a NUL character");
                    }
                    yield text;
                }
                case INT8 -> {
                    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                        throw ApiException.invalid(at, what + " must be a whole number within 64 bits");
                    }
                    long value = node.asLong();
                    if (column.role() == ColumnRole.COUNTER && value < 0) {
                        throw ApiException.invalid(at, what + " is a counter delta and cannot be negative (" + value + ")");
                    }
                    yield value;
                }
                case FLOAT8 -> {
                    if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
                        throw ApiException.invalid(at, what + " must be a finite number");
                    }
                    double value = node.asDouble();
                    if (column.role() == ColumnRole.COUNTER && value < 0) {
                        throw ApiException.invalid(at, what + " is a counter delta and cannot be negative (" + value + ")");
                    }
                    yield value;
                }
                case BOOL -> {
                    if (!node.isBoolean()) {
                        throw ApiException.invalid(at, what + " must be true or false");
                    }
                    yield node.asBoolean();
                }
                case TIMESTAMPTZ -> {
                    if (!node.isTextual()) {
                        throw ApiException.invalid(at, what + " must be an ISO-8601 instant string");
                    }
                    yield instant(node.asText(), at);
                }
            };
        }

        private static void encode(CopyEncoder out, Object value) {
            switch (value) {
                case null -> out.nullValue();
                case String s -> out.text(s);
                case Long l -> out.value(l);
                case Double d -> out.value(d);
                case Boolean b -> out.value(b);
                case Instant i -> out.value(i);
                default -> throw new IllegalStateException("unexpected value " + value.getClass());
            }
        }
    }

    /** Refuses to inflate more than the limit: the request fails as soon as it is exceeded. */
    private static final class LimitedStream extends FilterInputStream {
        private final long limit;
        private long count;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new IOException("inflated past the limit", ApiException.tooLarge(
                        "the batch inflates to more than " + limit + " bytes (ingest.max-decompressed-bytes)"));
            }
        }
    }
}
