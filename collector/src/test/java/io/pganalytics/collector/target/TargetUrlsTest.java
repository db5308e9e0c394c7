package io.pganalytics.collector.target;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetUrlsTest {

    @Test
    void parsesUserHostPortDatabaseAndTakesThePasswordFromPgpassword() {
        TargetSpec spec = TargetUrls.parse("postgresql://monitor@db.example.com:6432/app", Map.of("PGPASSWORD", "s3cret"));
        assertEquals("monitor", spec.user());
        assertEquals("db.example.com", spec.host());
        assertEquals(6432, spec.port());
        assertEquals("app", spec.database());
        assertEquals("s3cret", spec.password());
        assertFalse(spec.isLocal());
    }

    @Test
    void passwordInTheUrlWinsOverTheEnvironmentAndIsNeverPrinted() {
        TargetSpec spec = TargetUrls.parse("postgresql://u:p%40ss@localhost/db", Map.of("PGPASSWORD", "env"));
        assertEquals("p@ss", spec.password());
        assertEquals(5432, spec.port());
        assertTrue(spec.isLocal());
        assertFalse(spec.toString().contains("p@ss"));
    }

    @Test
    void targetParametersAreReadAndTheRestGoToTheDriver() {
        TargetSpec spec = TargetUrls.parse(
                "postgresql://u@[::1]:5433/?include=app*,billing&exclude=app_old&max_databases=7&name=main&sslmode=require",
                Map.of());
        assertEquals("::1", spec.host());
        assertEquals(5433, spec.port());
        assertEquals("postgres", spec.database());
        assertEquals("main", spec.name());
        assertEquals(List.of("app*", "billing"), spec.includeDatabases());
        assertEquals(7, spec.maxDatabases());
        assertEquals(Map.of("sslmode", "require"), spec.connectionProperties());
        assertNull(spec.password());
        assertTrue(spec.includes("app_new"));
        assertFalse(spec.includes("app_old"));
        assertTrue(spec.includes("billing"));
        assertFalse(spec.includes("other"));
    }

    @Test
    void badUrlsAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> TargetUrls.parse("mysql://x", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TargetUrls.parse("postgresql://u@h:99999/db", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TargetUrls.parse("postgresql://u@h:abc/db", Map.of()));
    }
}
