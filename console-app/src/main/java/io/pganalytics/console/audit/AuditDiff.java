package io.pganalytics.console.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change record's values before and after, field by field: nested objects flattened to dotted names
 * ({@code settings.url}), arrays and scalars compared as their JSON text. Fields appear in name order.
 */
public final class AuditDiff {
    /** How a field fared in the change. */
    public enum Change {
        CHANGED("changed"), ADDED("added"), REMOVED("removed"), SAME("");

        private final String label;

        Change(String label) {
            this.label = label;
        }

        /** What the row's marker says: "changed", "added", "removed", or nothing. */
        public String label() {
            return label;
        }
    }

    /** One field: its value before and after (null where it did not exist) and how it changed. */
    public record Row(String field, String before, String after, Change change) {
    }

    /** Nesting deeper than this is shown as JSON text, not flattened further. */
    static final int MAX_DEPTH = 8;

    private AuditDiff() {
    }

    /** The rows of a change; empty when the record holds neither side. */
    public static List<Row> of(JsonNode before, JsonNode after) {
        Map<String, String> was = flatten(before);
        Map<String, String> now = flatten(after);
        TreeMap<String, Row> rows = new TreeMap<>();
        was.forEach((field, value) -> rows.put(field, now.containsKey(field)
                ? new Row(field, value, now.get(field), value.equals(now.get(field)) ? Change.SAME : Change.CHANGED)
                : new Row(field, value, null, Change.REMOVED)));
        now.forEach((field, value) -> rows.putIfAbsent(field, new Row(field, null, value, Change.ADDED)));
        return List.copyOf(rows.values());
    }

    /** How many rows changed, were added or removed. */
    public static long differences(List<Row> rows) {
        return rows.stream().filter(r -> r.change() != Change.SAME).count();
    }

    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> fields = new TreeMap<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return fields;
        }
        if (!node.isObject()) {
            fields.put("(value)", text(node));
            return fields;
        }
        flatten("", node, 0, fields);
        return fields;
    }

    private static void flatten(String prefix, JsonNode object, int depth, Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        fields.forEachRemaining(entries::add);
        for (Map.Entry<String, JsonNode> entry : entries) {
            String name = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isObject() && value.size() > 0 && depth < MAX_DEPTH) {
                flatten(name, value, depth + 1, into);
            } else {
                into.put(name, text(value));
            }
        }
    }

    /** A string as itself, anything else as its JSON text ({@code null}, {@code 3}, {@code ["admin"]}). */
    static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
