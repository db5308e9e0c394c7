package io.pganalytics.common.catalog;

import io.pganalytics.common.json.JsonMapping;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricCatalogTest {

    @Test
    void everyFamilyNameIsUniqueAndFoundByName() {
        Set<String> names = new HashSet<>();
        for (Family family : MetricCatalog.ALL) {
            assertTrue(names.add(family.name()), family.name());
            assertEquals(family, MetricCatalog.byName(family.name()).orElseThrow());
        }
        assertFalse(MetricCatalog.byName("nope").isPresent());
    }

    @Test
    void familiesWithCountersAreTheDeltaFamilies() {
        assertTrue(MetricCatalog.DATABASE.hasCounters());
        assertTrue(MetricCatalog.STATEMENTS.hasCounters());
        assertFalse(MetricCatalog.ACTIVITY.hasCounters());
        assertFalse(MetricCatalog.LOCKS.hasCounters());
    }

    @Test
    void duplicateColumnIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Family("x", java.time.Duration.ofSeconds(1),
                java.util.List.of(Column.key("a", ColumnType.TEXT), Column.gauge("a", ColumnType.INT8))));
    }

    @Test
    void wireFormatDocumentListsEveryColumnOfEveryFamilyInOrder() throws Exception {
        java.nio.file.Path doc = java.nio.file.Path.of("..", "docs", "WIRE-FORMAT.md");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(doc), "docs/ is beside the module");
        String text = java.nio.file.Files.readString(doc);
        for (Family family : MetricCatalog.ALL) {
            int section = text.indexOf("### `" + family.name() + "`");
            assertTrue(section >= 0, "docs/WIRE-FORMAT.md has no section for " + family.name());
            for (int i = 0; i < family.columns().size(); i++) {
                Column column = family.columns().get(i);
                String line = "| " + i + " | `" + column.name() + "` | " + column.type() + " | " + column.role() + " |";
                assertTrue(text.indexOf(line, section) > section, family.name() + ": docs lack " + line);
            }
        }
    }

    @Test
    void familyRoundTripsThroughJson() throws Exception {
        var mapper = JsonMapping.newMapper();
        String json = mapper.writeValueAsString(MetricCatalog.STATEMENTS);
        assertEquals(MetricCatalog.STATEMENTS, mapper.readValue(json, Family.class));
    }
}
