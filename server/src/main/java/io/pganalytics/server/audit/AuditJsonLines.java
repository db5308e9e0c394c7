package io.pganalytics.server.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * THE export format of a stored record: one JSON object per line, every column of {@code audit.record} by its column
 * name, in column order, so that a third party recomputes the chain from the file alone (docs/audit/exports.md,
 * tools/audit-verify.py). Used by the JSONL download and by every forwarding destination.
 * <ul>
 *   <li>{@code at}: ISO-8601 UTC with microseconds ({@code 2026-12-07T05:23:33.123456Z}); {@code at_micros}: the same
 *       instant as microseconds since the epoch, the number the hash covers</li>
 *   <li>{@code details}: the exact JSON text stored (a string, not an object: the hash covers these bytes)</li>
 *   <li>{@code actor_personal}, {@code subject_personal}: the sealed bytes, standard base64 with padding</li>
 *   <li>{@code prev_hash}, {@code hash}: lower-case hex, 64 digits</li>
 *   <li>every absent value is JSON {@code null}; numbers are JSON numbers</li>
 * </ul>
 */
public final class AuditJsonLines {
    public static final String MEDIA_TYPE = "application/x-ndjson";
    /** The format's version, in docs/audit/exports.md; a change of fields or encodings makes a new one. */
    public static final int VERSION = 1;
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AuditJsonLines() {
    }

    /** The record as one line of JSON, without the line feed. */
    public static String line(StoredRecord r) {
        StringWriter out = new StringWriter(512);
        write(out, r);
        return out.toString();
    }

    /** Writes the record's JSON object (no line feed) to {@code out}. */
    public static void write(Writer out, StoredRecord r) {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeNumberField("seq", r.seq());
            json.writeStringField("at", at(r.at()));
            json.writeNumberField("at_micros", AuditLog.micros(r.at()));
            json.writeStringField("node", r.node());
            json.writeStringField("category", r.category());
            json.writeStringField("action", r.action());
            json.writeStringField("outcome", r.outcome());
            json.writeStringField("actor_kind", r.actorKind());
            text(json, "actor_id", r.actorId());
            text(json, "actor_roles", r.actorRoles());
            text(json, "resource_type", r.resourceType());
            text(json, "resource_id", r.resourceId());
            if (r.status() == null) {
                json.writeNullField("status");
            } else {
                json.writeNumberField("status", r.status());
            }
            text(json, "error_type", r.errorType());
            if (r.durationMicros() == null) {
                json.writeNullField("duration_us");
            } else {
                json.writeNumberField("duration_us", r.durationMicros());
            }
            json.writeStringField("details", r.details());
            bytes(json, "actor_personal", r.actorPersonal());
            text(json, "subject_id", r.subjectId());
            bytes(json, "subject_personal", r.subjectPersonal());
            json.writeStringField("prev_hash", HexFormat.of().formatHex(r.prevHash()));
            json.writeStringField("hash", HexFormat.of().formatHex(r.hash()));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing audit record " + r.seq() + " as JSON", e);
        }
    }

    /** ISO-8601 UTC with exactly six fractional digits: the database's precision. */
    public static String at(Instant at) {
        return AT.format(at);
    }

    private static void text(JsonGenerator json, String name, String value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeStringField(name, value);
        }
    }

    private static void bytes(JsonGenerator json, String name, byte[] value) throws IOException {
        if (value == null) {
            json.writeNullField(name);
        } else {
            json.writeStringField(name, Base64.getEncoder().encodeToString(value));
        }
    }
}
