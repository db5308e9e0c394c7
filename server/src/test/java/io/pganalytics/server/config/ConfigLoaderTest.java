package io.pganalytics.server.config;

import io.helidon.config.Config;
import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.db.DatabaseConfig;
import io.pganalytics.server.http.HttpConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class ConfigLoaderTest {

    @Test
    void builtInDefaultsApplyWhenNothingIsGiven() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of());
        HttpConfig http = HttpConfig.from(config.get("http"));
        assertEquals(8443, http.port());
        assertEquals(9090, http.adminPort());
        assertTrue(http.tls().enabled(), "HTTPS is the default");
        assertTrue(DatabaseConfig.from(config.get("database")).embedded(), "no URL means the embedded database");
        assertEquals(ClusterConfig.Join.NONE, ClusterConfig.from(config.get("cluster")).join());
    }

    @Test
    void environmentVariablesMapToKeysWithDoubleUnderscoreAsDash() {
        Map<String, String> keys = ConfigLoader.environmentKeys(Map.of(
                "PGANALYTICS_DATABASE_URL", "jdbc:postgresql://db/x",
                "PGANALYTICS_HTTP_ADMIN__PORT", "9999",
                "PATH", "/usr/bin"));
        assertEquals(Map.of("database.url", "jdbc:postgresql://db/x", "http.admin-port", "9999"), keys);
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "http:\n  port: 7000\n  admin-port: 7001\n  max-body-bytes: 2MiB\n");
        Config config = ConfigLoader.load(file, Map.of("PGANALYTICS_HTTP_ADMIN__PORT", "7101"), Map.of("http.port", "7200"));
        HttpConfig http = HttpConfig.from(config.get("http"));
        assertEquals(7200, http.port(), "the flag wins");
        assertEquals(7101, http.adminPort(), "the environment beats the file");
        assertEquals(2L * 1024 * 1024, http.maxBodyBytes(), "the file beats the defaults");
        assertEquals(Duration.ofSeconds(10), http.shutdownGrace(), "defaults fill the rest");
    }

    @Test
    void aContradictionNamesTheKey() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("http.port", "7000", "http.admin-port", "7000"));
        ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.from(config.get("http")));
        assertEquals("http.admin-port", e.key());
        assertTrue(e.getMessage().contains("same as http.port"), e.getMessage());
    }

    @Test
    void aMalformedValueNamesTheKeyAndTheValue() {
        Config config = ConfigLoader.load(null, Map.of("PGANALYTICS_DATABASE_POOL__SIZE", "lots"), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> DatabaseConfig.from(config.get("database")));
        assertEquals("database.pool-size", e.key());
        assertTrue(e.getMessage().contains("'lots' is not a whole number"), e.getMessage());
    }

    @Test
    void membersJoinWithoutMembersIsRefused() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("cluster.join", "members"));
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.from(config.get("cluster")));
        assertEquals("cluster.members", e.key());
    }

    @Test
    void membersMayBeACommaSeparatedEnvironmentValue() {
        Config config = ConfigLoader.load(null, Map.of("PGANALYTICS_CLUSTER_JOIN", "members",
                "PGANALYTICS_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701"), Map.of());
        assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), ClusterConfig.from(config.get("cluster")).members());
    }

    @Test
    void unknownChoiceListsTheAllowedValues() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("database.timeseries-dialect", "influx"));
        ConfigException e = assertThrows(ConfigException.class, () -> DatabaseConfig.from(config.get("database")));
        assertTrue(e.getMessage().contains("[auto, plain, timescaledb]"), e.getMessage());
    }

    @Test
    void halfAPemPairIsRefused() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("http.tls.certificate-file", "/etc/x.crt"));
        ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.from(config.get("http")));
        assertEquals("http.tls.key-file", e.key());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Path.of("/nonexistent/pganalytics.yaml"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("/nonexistent/pganalytics.yaml"), e.getMessage());
    }

    @Test
    void durationsAcceptSimpleAndIsoForms() {
        assertEquals(Duration.ofMinutes(15), Settings.parseDuration("15m").orElseThrow());
        assertEquals(Duration.ofMillis(500), Settings.parseDuration("500ms").orElseThrow());
        assertEquals(Duration.ofMinutes(15), Settings.parseDuration("PT15M").orElseThrow());
        assertEquals(Duration.ofDays(7), Settings.parseDuration("P7D").orElseThrow());
        assertTrue(Settings.parseDuration("soon").isEmpty());
    }

    @Test
    void commandLineFlagsBecomeOverridesAndUnknownOnesAreRefused() {
        ServerArguments args = ServerArguments.parse(List.of("--data-dir", "/tmp/x", "--port", "0"));
        assertEquals(Map.of("server.data-dir", "/tmp/x", "http.port", "0"), args.overrides());
        ConfigException e = assertThrows(ConfigException.class, () -> ServerArguments.parse(List.of("--prot", "1")));
        assertTrue(e.getMessage().contains("--prot"), e.getMessage());
        assertThrows(ConfigException.class, () -> ServerArguments.parse(List.of("--port")));
    }

    @Test
    void databaseConfigNeverPrintsThePassword() {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("database.url", "jdbc:postgresql://h/db", "database.password", "hunter2"));
        assertTrue(!DatabaseConfig.from(config.get("database")).toString().contains("hunter2"));
        assertEquals("jdbc:postgresql://h/db?user=a&password=***", DatabaseConfig.redact("jdbc:postgresql://h/db?user=a&password=hunter2"));
    }

    @Test
    void sizesUseTheCommonUnitsSoMbIsAPowerOf1000AsInTheCollector(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Config config = ConfigLoader.load(null, Map.of(), Map.of("http.max-body-bytes", "2MB"));
        assertEquals(2_000_000L, HttpConfig.from(config.get("http")).maxBodyBytes());
        Config binary = ConfigLoader.load(null, Map.of(), Map.of("http.max-body-bytes", "2MiB"));
        assertEquals(2L << 20, HttpConfig.from(binary.get("http")).maxBodyBytes());
        Config ambiguous = ConfigLoader.load(null, Map.of(), Map.of("http.max-body-bytes", "2m"));
        ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.from(ambiguous.get("http")));
        assertTrue(e.getMessage().contains("KB, MB, GB are powers of 1000"), e.getMessage());
        assertEquals(Duration.ofSeconds(30), Settings.parseDuration("30").orElseThrow(), "a bare number is seconds, as in the collector");
    }

    @Test
    void aYamlSyntaxErrorIsAConfigErrorNamingTheFileLineAndColumnOnOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "http:\n  port: 7000\n  admin-port: [7001\nquery:\n  max-points: 10\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().matches(".*line \\d+, column \\d+.*"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void aDuplicateKeyInTheFileIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "http:\n  port: 7000\n  port: 7001\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
