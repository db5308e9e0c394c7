package io.pganalytics.server.ingest;

import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IngestConfigTest {

    private static IngestConfig config(Map<String, String> values) {
        return IngestConfig.from(ConfigLoader.load(null, Map.of(), values).get("ingest"));
    }

    @Test
    void theWritersAndGroupDefaultsAreTheDocumentedOnes() {
        IngestConfig config = config(Map.of());
        assertEquals(2, config.writers());
        assertEquals(64, config.queueCapacity());
        assertEquals(16, config.groupMaxBatches());
        assertEquals(20_000, config.groupMaxRows());
        assertEquals(128L << 20, config.maxAdmittedBytes());
    }

    @Test
    void theByteBudgetFollowsALargerBatchLimitUnlessSetAndThenMayNotBeSmallerThanOneBatch() {
        assertEquals(256L << 20, config(Map.of("ingest.max-decompressed-bytes", "256MiB")).maxAdmittedBytes(),
                "unset: at least one batch of the largest size fits");
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("ingest.max-decompressed-bytes", "256MiB",
                "ingest.max-admitted-bytes", "128MiB")));
        assertEquals("ingest.max-admitted-bytes", e.key(), e.getMessage());
    }
}
