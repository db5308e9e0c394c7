package io.pganalytics.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pganalytics.common.audit.AuditActor;
import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.json.JsonMapping;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Turns stored records into {@link AuditRecordView}s: the details parsed, the personal fields opened where the key lives. */
public final class AuditViews {
    private final PersonKeys personKeys;
    private final ObjectMapper json = JsonMapping.newMapper();

    public AuditViews(PersonKeys personKeys) {
        this.personKeys = personKeys;
    }

    public AuditRecordView view(StoredRecord r) {
        ObjectNode details = parse(r.details());
        JsonNode before = details.remove("before");
        JsonNode after = details.remove("after");
        String personal = "none";
        String name = null;
        String address = null;
        String userAgent = null;
        if (r.actorPersonal() != null) {
            Optional<ObjectNode> actor = open(r.actorPersonId(), r.seq(), "actor_personal", r.actorPersonal());
            personal = actor.isPresent() ? "readable" : "erased";
            if (actor.isPresent()) {
                name = text(actor.get(), "name");
                address = text(actor.get(), "address");
                userAgent = text(actor.get(), "userAgent");
            }
        } else if (details.has("collector")) {
            JsonNode collector = details.remove("collector");
            name = text(collector, "name");
            address = text(collector, "address");
            userAgent = text(collector, "userAgent");
        }
        if (r.subjectPersonal() != null && r.subjectId() != null) {
            Optional<ObjectNode> subject = open(r.subjectId(), r.seq(), "subject_personal", r.subjectPersonal());
            if (subject.isPresent()) {
                before = merge(before, subject.get().get("before"));
                after = merge(after, subject.get().get("after"));
                personal = "erased".equals(personal) ? "erased" : "readable";
            } else {
                personal = "erased";
            }
        }
        List<String> roles = r.actorRoles() == null ? List.of() : Arrays.asList(r.actorRoles().split(","));
        return new AuditRecordView(r.seq(), r.at(), r.node(), r.category(), r.action(), r.outcome(),
                new AuditActor(r.actorKind(), r.actorId(), name, roles, address, userAgent), r.resourceType(), r.resourceId(),
                r.status(), r.errorType(), r.durationMicros(), details, nullIfMissing(before), nullIfMissing(after), r.subjectId(),
                personal, HexFormat.of().formatHex(r.hash()));
    }

    private Optional<ObjectNode> open(String personId, long seq, String column, byte[] sealed) {
        try {
            return personKeys.open(personId, seq, column, sealed).map(this::parse);
        } catch (CryptoException e) {
            throw new IllegalStateException("audit record " + seq + ": its " + column + " does not open: " + e.getMessage(), e);
        }
    }

    private ObjectNode parse(String text) {
        try {
            JsonNode node = json.readTree(text);
            return node instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (IOException e) {
            throw new IllegalStateException("an audit record's details are not JSON: " + e.getMessage(), e);
        }
    }

    private ObjectNode parse(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            return node instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        } catch (IOException e) {
            throw new IllegalStateException("an audit record's personal fields are not JSON: " + e.getMessage(), e);
        }
    }

    private static JsonNode merge(JsonNode clear, JsonNode personal) {
        if (personal == null || personal.isNull()) {
            return clear;
        }
        ObjectNode merged = clear instanceof ObjectNode object ? object.deepCopy() : JsonNodeFactory.instance.objectNode();
        personal.fields().forEachRemaining(field -> merged.set(field.getKey(), field.getValue()));
        return merged;
    }

    private static JsonNode nullIfMissing(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
