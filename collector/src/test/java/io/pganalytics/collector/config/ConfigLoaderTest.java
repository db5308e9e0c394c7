package io.pganalytics.collector.config;

import io.pganalytics.collector.target.TargetSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class ConfigLoaderTest {
    private static final String MINIMAL = """
            targets:
              - name: one
                url: postgresql://mon@db1:5432/postgres
            """;

    @TempDir
    Path dir;

    /** The ```yaml block of the "Configuration" section of docs/COLLECTOR.md. */
    private static String documentedExample() throws IOException {
        Path doc = Path.of("..", "docs", "COLLECTOR.md");
        String text = Files.readString(doc);
        int section = text.indexOf("## Configuration");
        assertTrue(section >= 0, "docs/COLLECTOR.md has a Configuration section");
        int start = text.indexOf("```yaml\n", section);
        int end = text.indexOf("```", start + 8);
        return text.substring(start + 8, end);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, env, null));
        return e.problems();
    }

    @Test
    void theExampleInDocsIsAcceptedAndReadAsDocumented() throws Exception {
        Files.writeString(dir.resolve("server-ca.pem"), "placeholder");
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/primary.password"), "pw-from-file\n");
        Map<String, String> env = Map.of("PGA_REPLICA_PASSWORD", "pw-from-env", "HOME", dir.toString());

        CollectorConfig config = ConfigLoader.parse(documentedExample(), env, dir);

        assertEquals("https://pga.example.com:8443", config.serverUrl().toString());
        assertEquals(dir.resolve("server-ca.pem"), config.tls().caFile());
        assertFalse(config.tls().insecureSkipVerify());
        assertEquals(Path.of("/var/lib/pganalytics-collector/identity.json"), config.identityFile());
        assertEquals(256L * 1024 * 1024, config.spool().maxBytes());
        assertEquals(16L * 1024 * 1024, config.spool().segmentBytes());
        assertEquals(Duration.ofSeconds(60), config.shipping().backoffCap());
        assertEquals(4, config.threads());
        assertEquals(100, config.statementsTopN());
        assertEquals(Duration.ofSeconds(10), config.intervals().get("activity"));
        assertEquals(Path.of("/proc"), config.host().procRoot());
        assertEquals(2, config.targets().size());

        TargetSpec primary = config.targets().get(0).toTargetSpec(env);
        assertEquals("primary", primary.name());
        assertEquals("db1.example.com", primary.host());
        assertEquals(5432, primary.port());
        assertEquals("pganalytics", primary.user());
        assertEquals("pw-from-file", primary.password());
        assertEquals(List.of("template0", "template1", "scratch_*"), primary.excludeDatabases());
        assertEquals("require", primary.connectionProperties().get("sslmode"));

        TargetSpec replica = config.targets().get(1).toTargetSpec(env);
        assertEquals(5433, replica.port());
        assertEquals("pganalytics", replica.user());
        assertEquals("pw-from-env", replica.password());
        assertEquals(20, replica.maxDatabases());
        assertEquals(Duration.ofMinutes(5), config.targets().get(1).intervals().get("statements"));
    }

    @Test
    void aMinimalConfigGetsTheDefaults() throws Exception {
        CollectorConfig config = ConfigLoader.parse(MINIMAL, Map.of("HOME", dir.toString()), null);
        assertNull(config.serverUrl());
        assertEquals(dir.resolve(".pganalytics/collector/identity.json"), config.identityFile());
        assertEquals(dir.resolve(".pganalytics/collector/spool"), config.spool().directory());
        assertEquals(256L * 1024 * 1024, config.spool().maxBytes());
        assertEquals(50, config.targets().getFirst().maxDatabases());
    }

    @Test
    void aBadTargetUrlIsReportedWithTheTargetsIndex() {
        String yaml = MINIMAL + """
                  - name: two
                    url: mysql://db2/x
                  - name: three
                    url: postgresql://mon@db3:99999/postgres
                """;
        List<String> problems = problems(yaml, Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("targets[1].url: must start with postgresql://")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("targets[2].url: ") && p.contains("port")), problems.toString());
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        List<String> problems = problems("""
                targets:
                  - name: one
                    url: postgresql://mon:Sup3rS3cret@db1/postgres
                """, Map.of());
        assertEquals(List.of("targets[0].url: holds a password: move it to password-file or password-env"), problems);
        assertFalse(problems.toString().contains("Sup3rS3cret"));
    }

    @Test
    void badValuesAreAllReportedEachNamingItsKey() {
        List<String> problems = problems("""
                threads: 40
                health-interval: soon
                spool:
                  max-bytes: lots
                  max-byte: 1
                server:
                  url: ftp://x
                intervals:
                  no_such_family: 10s
                targets:
                  - name: one
                    url: postgresql://mon@db1/postgres
                    password-env: NOT_SET_ANYWHERE
                  - name: one
                    url: postgresql://mon@db2/postgres
                    password-file: /no/such/file
                """, Map.of());
        List<String> expectedPrefixes = List.of("threads: must be between 1 and 16", "health-interval: 'soon' is not a duration",
                "spool.max-bytes: 'lots' is not a size", "spool.max-byte: unknown key; did you mean spool.max-bytes?", "server.url: must be an https://",
                "intervals.no_such_family: unknown metric family", "targets[0].password-env: the environment variable NOT_SET_ANYWHERE",
                "targets[1].name: 'one' is used by another target", "targets[1].password-file: cannot read /no/such/file");
        for (String prefix : expectedPrefixes) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix)), prefix + " in " + problems);
        }
    }

    @Test
    void noTargetsIsAnError() {
        assertEquals(List.of("targets: at least one target is required"), problems("threads: 2\n", Map.of()));
    }

    @Test
    void invalidYamlIsReportedAsSuch() {
        List<String> problems = problems("targets: [\n", Map.of());
        assertTrue(problems.getFirst().startsWith("config: not valid YAML"), problems.toString());
    }

    @Test
    void environmentVariablesOverrideSingleValues() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PGANALYTICS_COLLECTOR_SPOOL_MAX_BYTES", "1GiB",
                "PGANALYTICS_COLLECTOR_THREADS", "8", "PGANALYTICS_COLLECTOR_SERVER_URL", "https://other:8443"));
        CollectorConfig config = ConfigLoader.parse(MINIMAL + "threads: 2\n", env, null);
        assertEquals(1L << 30, config.spool().maxBytes());
        assertEquals(8, config.threads());
        assertEquals("https://other:8443", config.serverUrl().toString());
        env.put("PGANALYTICS_COLLECTOR_THREADS", "zero");
        assertTrue(problems(MINIMAL, env).getFirst().startsWith("threads: must be a whole number"));
    }

    @Test
    void aMissingConfigFileIsReportedWithItsPath() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of()));
        assertTrue(e.getMessage().startsWith("config file " + dir.resolve("nope.yaml")), e.getMessage());
    }

    @Test
    void anUnknownKeyNamesItsFullPathAndTheNearestValidKey() {
        List<String> problems = problems("""
                shiping:
                  backoff-max: 10s
                batching:
                  max-delays: 1s
                targets:
                  - name: one
                    url: postgresql://mon@db1/postgres
                    pasword-env: PW
                """, Map.of());
        assertTrue(problems.contains("shiping: unknown key; did you mean shipping?"), problems.toString());
        assertTrue(problems.contains("batching.max-delays: unknown key; did you mean batching.max-delay?"), problems.toString());
        assertTrue(problems.contains("targets[0].pasword-env: unknown key; did you mean targets[0].password-env?"), problems.toString());
    }

    @Test
    void aYamlSyntaxErrorNamesTheFileLineAndColumnOnOneLine() throws Exception {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, "threads: 2\ntargets:\n  - name: one\n    url: [postgresql://x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(1, e.problems().size(), e.problems().toString());
        String problem = e.problems().getFirst();
        assertTrue(problem.startsWith(file + ": not valid YAML at line "), problem);
        assertTrue(problem.matches(".*line \\d+, column \\d+: .*"), problem);
        assertFalse(problem.contains("\n"), problem);
    }

    @Test
    void sizesAndDurationsReadAsTheServerReadsThem() throws Exception {
        CollectorConfig config = ConfigLoader.parse(MINIMAL + """
                spool:
                  max-bytes: 256MB
                  segment-bytes: 1 MiB
                health-interval: 1D
                intervals:
                  tables: PT5M
                """, Map.of(), null);
        assertEquals(256_000_000L, config.spool().maxBytes(), "MB is a power of 1000, as on the server");
        assertEquals(1L << 20, config.spool().segmentBytes());
        assertEquals(Duration.ofDays(1), config.healthInterval());
        assertEquals(Duration.ofMinutes(5), config.intervals().get("tables"));
        List<String> problems = problems(MINIMAL + "spool:\n  max-bytes: 256m\nhealth-interval: 1.5s\n", Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("spool.max-bytes: '256m'") && p.contains("KB, MB, GB are powers of 1000")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("health-interval: '1.5s' is not a duration")), problems.toString());
    }

    @Test
    void statementAndLockTimeoutsAreSettableForTheCollectorAndPerTargetAndBounded() throws Exception {
        CollectorConfig config = ConfigLoader.parse("""
                statement-timeout: 3s
                lock-timeout: 200ms
                targets:
                  - name: one
                    url: postgresql://mon@db1/postgres
                  - name: two
                    url: postgresql://mon@db2/postgres
                    statement-timeout: 750ms
                    lock-timeout: 50ms
                """, Map.of(), null);
        assertEquals(Duration.ofSeconds(3), config.targets().get(0).statementTimeout());
        assertEquals(Duration.ofMillis(200), config.targets().get(0).lockTimeout());
        assertEquals(Duration.ofMillis(750), config.targets().get(1).statementTimeout());
        assertEquals(Duration.ofMillis(50), config.targets().get(1).lockTimeout());
        CollectorConfig defaults = ConfigLoader.parse(MINIMAL, Map.of(), null);
        assertEquals(Duration.ofSeconds(5), defaults.targets().getFirst().statementTimeout());
        assertEquals(Duration.ofSeconds(1), defaults.targets().getFirst().lockTimeout());
        List<String> problems = problems("""
                statement-timeout: 1h
                targets:
                  - name: one
                    url: postgresql://mon@db1/postgres
                    statement-timeout: 1s
                    lock-timeout: 2s
                  - name: two
                    url: postgresql://mon@db2/postgres
                    lock-timeout: 1ms
                """, Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("statement-timeout: must be at most")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("targets[0].lock-timeout: must not be above")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("targets[1].lock-timeout: must be at least")), problems.toString());
    }
}
