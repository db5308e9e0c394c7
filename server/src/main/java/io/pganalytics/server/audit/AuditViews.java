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

/** Turns stored records into {@link AuditRecordView}s: the details parsed, the personal fields opened where the key lives. */
public final class AuditViews {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditViews.class);
    static final String NONE = "none";
    static final String READABLE = "readable";
    static final String ERASED = "erased";
    static final String UNREADABLE = "unreadable";
    private final PersonKeys personKeys;
    private final ObjectMapper json = JsonMapping.newMapper();

    public AuditViews(PersonKeys personKeys) {
        this.personKeys = personKeys;
    }

    public AuditRecordView view(StoredRecord r) {
        ObjectNode details = parse(r.details());
        JsonNode before = details.remove("before");
        JsonNode after = details.remove("after");
        String personal = NONE;
        String name = null;
        String address = null;
        String userAgent = null;
        if (r.actorPersonal() != null) {
            Opened actor = open(r.actorPersonId(), r.seq(), "actor_personal", r.actorPersonal());
            personal = actor.state();
            if (actor.fields() != null) {
                name = text(actor.fields(), "name");
                address = text(actor.fields(), "address");
                userAgent = text(actor.fields(), "userAgent");
            }
        } else if (details.has("collector")) {
            JsonNode collector = details.remove("collector");
            name = text(collector, "name");
            address = text(collector, "address");
            userAgent = text(collector, "userAgent");
        }
        if (r.subjectPersonal() != null && r.subjectId() != null) {
            Opened subject = open(r.subjectId(), r.seq(), "subject_personal", r.subjectPersonal());
            if (subject.fields() != null) {
                before = merge(before, subject.fields().get("before"));
                after = merge(after, subject.fields().get("after"));
            }
            personal = worse(personal, subject.state());
        }
        List<String> roles = r.actorRoles() == null ? List.of() : Arrays.asList(r.actorRoles().split(","));
        return new AuditRecordView(r.seq(), r.at(), r.node(), r.category(), r.action(), r.outcome(),
                new AuditActor(r.actorKind(), r.actorId(), name, roles, address, userAgent), r.resourceType(), r.resourceId(),
                r.status(), r.errorType(), r.durationMicros(), details, nullIfMissing(before), nullIfMissing(after), r.subjectId(),
                personal, HexFormat.of().formatHex(r.hash()));
    }

    /** A personal field opened ({@link #READABLE}), destroyed on request ({@link #ERASED}) or not opening ({@link #UNREADABLE}). */
    private record Opened(ObjectNode fields, String state) {
    }

    private Opened open(String personId, long seq, String column, byte[] sealed) {
        try {
            return personKeys.open(personId, seq, column, sealed)
                    .map(bytes -> new Opened(parse(bytes), READABLE))
                    .orElse(new Opened(null, ERASED));
        } catch (CryptoException e) {
            // the person's key is not the one that sealed it (the keys were lost and made anew): the record is shown
            // without those fields; whether its bytes were altered is what the chain's verification says
            LOG.debug("audit record {}: its {} does not open: {}", seq, column, e.getMessage());
            return new Opened(null, UNREADABLE);
        }
    }

    /** The less readable of two states, for a record with an actor's and a subject's personal fields. */
    private static String worse(String a, String b) {
        List<String> order = List.of(NONE, READABLE, ERASED, UNREADABLE);
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
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
