package io.pganalytics.installers.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The collector.yaml the package installs is valid for the collector's own reader, and everything the collector writes
 * with it (identity, key store, spool) lies under the one path its unit may write.
 */
class ShippedConfigurationTest {

    @Test
    void collectorConfigurationIsValidAndWritesOnlyUnderTheUnitsWritablePath() throws Exception {
        Path file = Packaging.sources("collector").resolve("collector.yaml");
        // HOME elsewhere: nothing may fall back to ~/.pganalytics/collector
        CollectorConfig config = ConfigLoader.load(file, Map.of("HOME", "/nonexistent-home"));
        String writable = Packaging.section(Packaging.sources("collector").resolve("pganalytics-collector.service"),
                "Service").get("ReadWritePaths").getFirst();
        Path state = Path.of(writable);
        assertEquals(state.resolve("identity.json"), config.identityFile());
        assertEquals(state.resolve("spool"), config.spool().directory());
        for (Path written : List.of(config.identityFile(), config.spool().directory(), config.encryption().keyStore())) {
            assertTrue(written.startsWith(state), written + " is outside " + state);
        }
        assertTrue(config.encryption().enabled(), "the credential and the spool are sealed by default");
        assertEquals(1, config.targets().size());
    }
}
