package io.pganalytics.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/KUBERNETES.md's values reference is the schema's: one row per value (path, type, default from values.yaml,
 * description from values.schema.json), in the schema's order. A value added, removed or redescribed without the docs
 * fails here; the expected table is written to target/values-reference.md to paste.
 */
class KubernetesDocsTest {
    private static final Path DOC = Path.of(System.getProperty("pga.docs.dir", "../docs")).resolve("KUBERNETES.md");
    private static final String START = "<!-- values-reference:start (generated from values.schema.json; a test keeps it equal) -->";
    private static final String END = "<!-- values-reference:end -->";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void valuesReferenceEqualsTheSchema() throws Exception {
        String expected = table();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/values-reference.md"), expected);
        String doc = Chart.read(DOC);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertTrue(start >= 0 && end > start, DOC + " has no values reference between its markers");
        assertEquals(expected, doc.substring(start + START.length() + 1, end), "docs/KUBERNETES.md's values reference "
                + "differs from values.schema.json: see helm/target/values-reference.md");
    }

    @Test
    void everyLeafOfValuesYamlIsDescribed() throws Exception {
        JsonNode schema = JSON.readTree(Chart.read(Chart.DIR.resolve("values.schema.json")));
        List<String[]> rows = new ArrayList<>();
        rows(schema, "", Chart.defaults(), rows);
        for (String[] row : rows) {
            assertTrue(!row[3].isBlank(), () -> row[0] + " has no description in values.schema.json");
        }
    }

    static String table() throws Exception {
        JsonNode schema = JSON.readTree(Chart.read(Chart.DIR.resolve("values.schema.json")));
        List<String[]> rows = new ArrayList<>();
        rows(schema, "", Chart.defaults(), rows);
        StringBuilder table = new StringBuilder("| Value | Type | Default | Description |\n|---|---|---|---|\n");
        for (String[] row : rows) {
            table.append("| `").append(row[0]).append("` | ").append(row[1]).append(" | `").append(row[2]).append("` | ")
                    .append(row[3]).append(" |\n");
        }
        return table.toString();
    }

    @SuppressWarnings("unchecked")
    private static void rows(JsonNode node, String path, Object defaults, List<String[]> rows) throws Exception {
        JsonNode properties = node.get("properties");
        if (properties != null && !path.endsWith("resources")) {
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                Object value = defaults instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(property.getKey()) : null;
                rows(property.getValue(), path.isEmpty() ? property.getKey() : path + "." + property.getKey(), value, rows);
            }
            return;
        }
        JsonNode type = node.get("type");
        String typeText = type.isArray() ? String.join(" or ", type.valueStream().map(JsonNode::asText).toList()) : type.asText();
        if (node.has("enum")) {
            typeText += ": " + String.join(", ", node.get("enum").valueStream().map(JsonNode::asText).toList());
        }
        String description = node.has("description") ? node.get("description").asText().replace("|", "\\|") : "";
        rows.add(new String[]{path, typeText, JSON.writeValueAsString(defaults).replace("|", "\\|"), description});
    }
}
