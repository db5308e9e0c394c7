package io.pganalytics.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <data-dir>/runtime.json} with an external database (the embedded case is in {@link EmbeddedServerTest}). */
class RuntimeFileTest {

    @Test
    void anExternalDatabaseLeavesTheEmbeddedPortNullAndTheFileGoesAtStop() throws Exception {
        Path file;
        try (PgAnalyticsServer server = TestServers.start("runtimefile")) {
            file = server.dataDir().resolve(RuntimeFile.NAME);
            assertTrue(Files.isRegularFile(file), file + " exists while the server runs");
            JsonNode runtime = JsonMapping.newMapper().readTree(file.toFile());
            assertEquals(server.apiUrl(), runtime.get("apiUrl").asText());
            assertTrue(runtime.has("embeddedPostgresPort") && runtime.get("embeddedPostgresPort").isNull(), runtime.toString());
            assertEquals(server.nodeName(), runtime.get("nodeName").asText());
        }
        assertFalse(Files.exists(file), "deleted at stop");
    }

    @Test
    void aWildcardBindIsReachedOnTheLoopbackAddress() {
        assertEquals("127.0.0.1", RuntimeFile.localHost("0.0.0.0"));
        assertEquals("127.0.0.1", RuntimeFile.localHost("::"));
        assertEquals("[::1]", RuntimeFile.localHost("::1"));
        assertEquals("10.0.0.5", RuntimeFile.localHost("10.0.0.5"));
    }
}
