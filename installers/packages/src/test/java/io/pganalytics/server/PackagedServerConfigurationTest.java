package io.pganalytics.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pganalytics.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server.yaml the server package installs (installers/packages), read with the server's own reader (in this
 * package for ServerConfiguration): the data directory is the one path the unit may write, the database the embedded one.
 */
class PackagedServerConfigurationTest {

    @Test
    void packagedServerConfigurationUsesTheUnitsWritableDataDirectoryAndTheEmbeddedDatabase() throws Exception {
        Path sources = Path.of(System.getProperty("pga.packages.dir", ".")).resolve("src/packaging/server");
        ServerConfiguration read = ServerConfiguration.read(
                ConfigLoader.load(sources.resolve("server.yaml"), Map.of("HOME", "/nonexistent-home"), Map.of()));
        String writable = Files.readAllLines(sources.resolve("pganalytics-server.service")).stream()
                .filter(line -> line.startsWith("ReadWritePaths=")).map(line -> line.substring("ReadWritePaths=".length()))
                .reduce((a, b) -> a + " " + b).orElseThrow();
        assertEquals(Path.of("/var/lib/pganalytics-server"), read.server().dataDir());
        assertEquals(List.of(writable), List.of(read.server().dataDir().toString()));
        assertTrue(read.database().embedded(), "no database.url: the embedded PostgreSQL by default");
    }
}
