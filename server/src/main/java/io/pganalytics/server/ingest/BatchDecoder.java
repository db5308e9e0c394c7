package io.pganalytics.server.ingest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.catalog.Column;
import io.pganalytics.common.catalog.ColumnRole;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.MetricBatch;
import io.pganalytics.common.wire.TargetRef;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ByteLimit;
import io.pganalytics.server.series.CopyEncoder;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The snapshot fields its rows depend on: when all came before {@code rows}, the rows are streamed. */
    private static final Set<String> HEADER_FIELDS = Set.of("target", "family", "collectedAt", "intervalSeconds", "columns");
    private static final int MAX_KEY_LENGTH = 1024;
    /** Stands for a system identifier the collector could not read. */
    static final String UNKNOWN_SYSTEM_IDENTIFIER = "0";
    private static final double MAX_INTERVAL_SECONDS = 2 * 86_400;
    /**
     * The instants stored: years 1 to 9999. PostgreSQL's timestamptz holds 4713 BC to 294276 AD, but no statistic of a
     * monitored server lies outside four-digit years, and one that does (year 0, -5000, +300000) is a broken clock or
     * a forged batch: refused as bad input (400) before the database would refuse it.
     */
    static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999Z");

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
        try (InputStream limited = new ByteLimit(body, config.maxDecompressedBytes(), max -> ApiException.tooLarge(
                "the batch inflates to more than " + max + " bytes (ingest.max-decompressed-bytes)"));
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
                        totals[1] += snapshot(parser, "snapshots[" + (totals[0] - 1) + "]", targets, totals[1]);
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

    /**
     * Validates and encodes one snapshot, the parser on its START_OBJECT; returns its row count. The fields before
     * {@code rows} are read as small trees; the rows, the bulk of a batch, are streamed straight into the COPY
     * encoding when every field they depend on came first (the order collectors write), and otherwise read as a tree
     * and encoded once the object is complete.
     */
    private int snapshot(JsonParser parser, String path, Map<TargetRef, DecodedBatch.TargetPart> targets, int rowsSoFar)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw ApiException.invalid(path, "must be an object");
        }
        Map<String, JsonNode> header = new HashMap<>();
        JsonNode bufferedRows = null;
        int streamed = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (!SNAPSHOT_FIELDS.contains(name)) {
                throw ApiException.malformed("unknown field '" + name + "' in " + path + "; known fields: " + SNAPSHOT_FIELDS);
            }
            if (header.containsKey(name) || (name.equals("rows") && (bufferedRows != null || streamed >= 0))) {
                throw ApiException.malformed("field '" + name + "' appears twice in " + path);
            }
            JsonToken token = parser.nextToken();
            if (name.equals("rows") && header.keySet().containsAll(HEADER_FIELDS)) {
                streamed = rowWriter(header, path, targets).write(parser, rowsSoFar);
            } else {
                JsonNode value = token == JsonToken.VALUE_NULL ? NullNode.getInstance() : snapshotReader.readTree(parser);
                if (name.equals("rows")) {
                    bufferedRows = value;
                } else {
                    header.put(name, value);
                }
            }
        }
        if (streamed >= 0) {
            return streamed;
        }
        RowWriter writer = rowWriter(header, path, targets);
        if (bufferedRows == null || !bufferedRows.isArray()) {
            throw ApiException.invalid(path + ".rows", "must be an array");
        }
        try (JsonParser rows = bufferedRows.traverse(mapper)) {
            rows.nextToken();
            return writer.write(rows, rowsSoFar);
        }
    }

    /** Checks a snapshot's fields other than its rows and prepares the writer of its rows. */
    private RowWriter rowWriter(Map<String, JsonNode> node, String path, Map<TargetRef, DecodedBatch.TargetPart> targets) {
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
        DecodedBatch.TargetPart part = targets.computeIfAbsent(target, DecodedBatch.TargetPart::new);
        part.seen(collectedAt);
        return new RowWriter(family, positions, collectedAt, interval, part, path);
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

    private static String requiredText(Map<String, JsonNode> fields, String field, String path, int maxLength) {
        return requiredValue(fields.get(field), field, path, maxLength);
    }

    private static String requiredText(JsonNode parent, String field, String path, int maxLength) {
        return requiredValue(parent.get(field), field, path, maxLength);
    }

    private static String requiredValue(JsonNode node, String field, String path, int maxLength) {
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
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "'" + text + "' is not an ISO-8601 instant such as 2026-01-02T03:04:05Z");
        }
        if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
            throw ApiException.invalid(field, "'" + text + "' is outside the instants this server stores (years 0001 to 9999)");
        }
        return instant;
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
        /** The catalogue positions of the family's KEY columns; empty when its rows have no key. */
        private final int[] keyPositions;
        /** Each key seen in this snapshot and the row it was first seen in: keys are unique per snapshot. */
        private final Map<List<Object>, Integer> keys = new HashMap<>();

        RowWriter(Family family, int[] positions, Instant collectedAt, Double interval, DecodedBatch.TargetPart part, String path) {
            this.family = family;
            this.positions = positions;
            this.collectedAt = collectedAt;
            this.interval = interval;
            this.part = part;
            this.path = path;
            this.values = new Object[family.columns().size()];
            this.keyPositions = java.util.stream.IntStream.range(0, family.columns().size())
                    .filter(i -> family.columns().get(i).role() == ColumnRole.KEY).toArray();
        }

        /** Encodes the rows array the parser is on (its START_ARRAY); returns the row count. */
        int write(JsonParser parser, int rowsSoFar) throws IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                throw ApiException.invalid(path + ".rows", "must be an array");
            }
            CopyEncoder out = part.rows(family, collectedAt);
            FigureCollector figures = new FigureCollector(family, collectedAt, interval, part);
            CopyEncoder shared = new CopyEncoder().startRow().value(collectedAt);
            String head = (interval == null ? shared.nullValue() : shared.value(interval)).encodedText();
            int r = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (r == config.maxRowsPerSnapshot()) {
                    throw ApiException.tooLarge(path + " has more than " + config.maxRowsPerSnapshot()
                            + " rows (ingest.max-rows-per-snapshot)");
                }
                if (rowsSoFar + r == config.maxRowsPerBatch()) {
                    throw ApiException.tooLarge("the batch has more than " + config.maxRowsPerBatch() + " rows");
                }
                String rowPath = path + ".rows[" + r + "]";
                if (parser.currentToken() != JsonToken.START_ARRAY) {
                    throw wrongWidth(rowPath);
                }
                java.util.Arrays.fill(values, null);
                int i = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (i == positions.length) {
                        throw wrongWidth(rowPath);
                    }
                    Column column = family.columns().get(positions[i]);
                    values[positions[i]] = value(parser, column, rowPath + "[" + i + "]");
                    i++;
                }
                if (i != positions.length) {
                    throw wrongWidth(rowPath);
                }
                if (family == MetricCatalog.STATEMENT_TEXTS) {
                    requireStatementText(r);
                    part.statementText(new DecodedBatch.StatementText(collectedAt, interval, (Long) values[family.indexOf("dbid")],
                            (Long) values[family.indexOf("queryid")], (String) values[family.indexOf("datname")],
                            (String) values[family.indexOf("query")]));
                }
                if (family == MetricCatalog.SETTINGS) {
                    part.setting(new DecodedBatch.Setting(collectedAt, interval, (String) values[family.indexOf("name")],
                            (String) values[family.indexOf("setting")], (String) values[family.indexOf("unit")],
                            (String) values[family.indexOf("source")], (Boolean) values[family.indexOf("pending_restart")]));
                }
                requireNewKey(r);
                out.startRow().encoded(head);
                for (Object value : values) {
                    encode(out, value);
                }
                out.endRow();
                figures.row(values);
                r++;
            }
            return r;
        }

        /** Refuses a row whose key (its KEY columns' values) an earlier row of the snapshot had. */
        private void requireNewKey(int r) {
            if (keyPositions.length == 0) {
                return;
            }
            Object[] key = new Object[keyPositions.length];
            for (int k = 0; k < key.length; k++) {
                key[k] = values[keyPositions[k]];
            }
            Integer first = keys.putIfAbsent(java.util.Arrays.asList(key), r);
            if (first != null) {
                StringBuilder named = new StringBuilder();
                for (int k = 0; k < key.length; k++) {
                    named.append(k == 0 ? "" : ", ").append(family.columns().get(keyPositions[k]).name()).append('=').append(key[k]);
                }
                String shown = named.length() > 300 ? named.substring(0, 300) + "..." : named.toString();
                throw ApiException.invalid(path + ".rows[" + r + "]", "family " + family.name() + ": the key (" + shown
                        + ") appears twice in one snapshot (first at rows[" + first + "]); keys are unique per snapshot");
            }
        }

        private ApiException wrongWidth(String rowPath) {
            return ApiException.invalid(rowPath, "must be an array of " + positions.length + " values, one per column");
        }

        private void requireStatementText(int r) {
            for (String required : List.of("dbid", "queryid", "query")) {
                if (values[family.indexOf(required)] == null) {
                    throw ApiException.invalid(path + ".rows[" + r + "]", "statement_texts rows need " + required);
                }
            }
        }

        /** The value the parser is on, checked against its column; arrays and objects are refused. */
        private Object value(JsonParser parser, Column column, String at) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            String what = family.name() + "." + column.name();
            if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
                throw ApiException.invalid(at, what + " must be a single value, not " + (token == JsonToken.START_ARRAY ? "an array" : "an object"));
            }
            return switch (column.type()) {
                case TEXT -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw ApiException.invalid(at, what + " must be a string");
                    }
                    String text = parser.getText();
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
                    if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw ApiException.invalid(at, what + " must be a whole number within 64 bits");
                    }
                    long value = parser.getLongValue();
                    if (column.role() == ColumnRole.COUNTER && value < 0) {
                        throw ApiException.invalid(at, what + " is a counter delta and cannot be negative (" + value + ")");
                    }
                    yield value;
                }
                case FLOAT8 -> {
                    if (!token.isNumeric()) {
                        throw ApiException.invalid(at, what + " must be a finite number");
                    }
                    double value = parser.getDoubleValue();
                    if (!Double.isFinite(value)) {
                        throw ApiException.invalid(at, what + " must be a finite number");
                    }
                    if (column.role() == ColumnRole.COUNTER && value < 0) {
                        throw ApiException.invalid(at, what + " is a counter delta and cannot be negative (" + value + ")");
                    }
                    yield value;
                }
                case BOOL -> {
                    if (!token.isBoolean()) {
                        throw ApiException.invalid(at, what + " must be true or false");
                    }
                    yield token == JsonToken.VALUE_TRUE;
                }
                case TIMESTAMPTZ -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw ApiException.invalid(at, what + " must be an ISO-8601 instant string");
                    }
                    yield instant(parser.getText(), at + " (" + what + ")");
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
}
