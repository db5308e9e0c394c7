package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pganalytics.common.json.JsonMapping;

import java.util.Base64;
import java.util.HexFormat;

/**
 * One exported record as a line of JSON (docs/audit/integrity.md, "Export line"): every stored column by its name,
 * {@code details} as the exact text that was hashed, the sealed personal fields in base64, {@code prev_hash} and
 * {@code hash} in hex, {@code at} in ISO-8601 with {@code at_micros} (what the canonical form uses) beside it.
 * {@code tools/audit-verify.py} and {@code pganalytics-server audit verify-export} recompute the chain from these lines.
 */
public final class AuditJsonl {
    private static final ObjectMapper JSON = JsonMapping.newMapper();
    /** ISO-8601 UTC with exactly six fractional digits, the database's precision (as fix/h4's AuditJsonLines writes it). */
    private static final java.time.format.DateTimeFormatter AT = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private AuditJsonl() {
    }

    public static String line(StoredRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", r.seq());
        o.put("at", AT.format(r.at()));
        o.put("at_micros", AuditLog.micros(r.at()));
        o.put("node", r.node());
        o.put("category", r.category());
        o.put("action", r.action());
        o.put("outcome", r.outcome());
        o.put("actor_kind", r.actorKind());
        o.put("actor_id", r.actorId());
        o.put("actor_roles", r.actorRoles());
        o.put("resource_type", r.resourceType());
        o.put("resource_id", r.resourceId());
        o.put("status", r.status());
        o.put("error_type", r.errorType());
        o.put("duration_us", r.durationMicros());
        o.put("details", r.details());
        o.put("actor_personal", r.actorPersonal() == null ? null : Base64.getEncoder().encodeToString(r.actorPersonal()));
        o.put("subject_id", r.subjectId());
        o.put("subject_personal", r.subjectPersonal() == null ? null : Base64.getEncoder().encodeToString(r.subjectPersonal()));
        o.put("prev_hash", HexFormat.of().formatHex(r.prevHash()));
        o.put("hash", HexFormat.of().formatHex(r.hash()));
        return o.toString();
    }

    /** A line back into a record (for offline verification). */
    public static StoredRecord parse(String line) {
        try {
            var o = JSON.readTree(line);
            return new StoredRecord(o.get("seq").asLong(), java.time.Instant.ofEpochSecond(0, 0).plus(o.get("at_micros").asLong(), java.time.temporal.ChronoUnit.MICROS),
                    text(o, "node"), text(o, "category"), text(o, "action"), text(o, "outcome"), text(o, "actor_kind"), text(o, "actor_id"),
                    text(o, "actor_roles"), text(o, "resource_type"), text(o, "resource_id"),
                    o.path("status").isNull() || o.path("status").isMissingNode() ? null : o.get("status").asInt(), text(o, "error_type"),
                    o.path("duration_us").isNull() || o.path("duration_us").isMissingNode() ? null : o.get("duration_us").asLong(),
                    text(o, "details"), base64(o, "actor_personal"), text(o, "subject_id"), base64(o, "subject_personal"),
                    HexFormat.of().parseHex(o.get("prev_hash").asText()), HexFormat.of().parseHex(o.get("hash").asText()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not an audit export line: " + e.getMessage(), e);
        }
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode o, String field) {
        var value = o.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static byte[] base64(com.fasterxml.jackson.databind.JsonNode o, String field) {
        String value = text(o, field);
        return value == null ? null : Base64.getDecoder().decode(value);
    }
}
