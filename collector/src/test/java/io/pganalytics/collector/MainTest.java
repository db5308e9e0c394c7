package io.pganalytics.collector;

import io.pganalytics.collector.postgres.EmbeddedPostgresVersions;

import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.MetricBatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.pganalytics.collector.testing.TestIngestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class MainTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int execute(String... args) {
        return Main.execute(List.of(args), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), Map.of("HOME", dir.toString()));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEverySubcommandAndExitsZero() {
        assertEquals(0, execute("--help"));
        for (String command : List.of("run --config", "check --target", "register --server", "keys ")) {
            assertTrue(out().contains(command), command + " in " + out());
        }
    }

    @Test
    void versionPrintsTheRelease() {
        assertEquals(0, execute("--version"));
        assertTrue(out().startsWith("pganalytics-collector "), out());
    }

    @Test
    void noCommandAnUnknownCommandOrAnUnknownOptionExitWithStatus2AndSayWhy() {
        assertEquals(2, execute());
        assertTrue(err().contains("a command is required"));
        assertEquals(2, execute("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"));
        assertEquals(2, execute("run", "--conf", "x.yaml"));
        assertTrue(err().contains("run: unknown option --conf"), err());
        assertEquals(2, execute("run"));
        assertTrue(err().contains("run: --config is required"), err());
    }

    @Test
    void runWithABadConfigurationNamesTheKeyAndExitsWithStatus2() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), """
                targets:
                  - name: a
                    url: postgresql://u@h/db
                  - name: b
                    url: postgresql://u@h:notaport/db
                """);
        assertEquals(2, execute("run", "--config", config.toString()));
        assertTrue(err().contains("targets[1].url: "), err());
    }

    @Test
    void runWithAYamlSyntaxErrorExitsWithStatus2AndOneLineNamingTheFileLineAndColumn() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "threads: 2\ntargets:\n  - name: a\n    url: [postgresql://u@h/db\n");
        assertEquals(2, execute("run", "--config", config.toString()));
        assertTrue(err().lines().anyMatch(l -> l.strip().startsWith(config + ": not valid YAML at line ")
                && l.matches(".*line \\d+, column \\d+: .*")), err());
        assertTrue(!err().contains("at org.yaml"), "no stack trace: " + err());
    }

    @Test
    void runWithAMisspeltKeyExitsWithStatus2NamingTheNearestValidKey() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "treads: 2\ntargets:\n  - name: a\n    url: postgresql://u@h/db\n");
        assertEquals(2, execute("run", "--config", config.toString()));
        assertTrue(err().contains("treads: unknown key; did you mean threads?"), err());
    }

    @Test
    void runWithoutAnIdentitySaysToRegisterFirst() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "targets:\n  - name: a\n    url: postgresql://u@h/db\n");
        assertEquals(1, execute("run", "--config", config.toString()));
        assertTrue(err().contains("run 'register' first"), err());
    }

    @Test
    void theAgentShipsItsHealthThroughTheSpoolAndStopsCleanly() throws Exception {
        EmbeddedPostgresVersions.Instance postgres = EmbeddedPostgresVersions.withPgStatStatements(17);
        try (TestIngestServer server = new TestIngestServer()) {
            CollectorIdentity identity = new CollectorIdentity("c-1", "agent-credential", server.url().toString());
            server.acceptCredential(identity.credential());
            Path identityFile = dir.resolve("identity.json");
            IdentityFile.write(identityFile, identity);
            Path configFile = Files.writeString(dir.resolve("collector.yaml"), """
                    identity-file: identity.json
                    server:
                      ca-file: %s
                    spool:
                      dir: spool
                    health-interval: 5s
                    batching:
                      max-delay: 100ms
                    targets:
                      - name: local17
                        url: postgresql://%s@127.0.0.1:%d/postgres
                        password-env: PGA_TEST_PASSWORD
                    """.formatted(server.caFile(), EmbeddedPostgresVersions.COLLECTOR_ROLE, postgres.port()));
            Map<String, String> env = Map.of("HOME", dir.toString(), "PGA_TEST_PASSWORD", EmbeddedPostgresVersions.COLLECTOR_PASSWORD);
            var config = io.pganalytics.collector.config.ConfigLoader.load(configFile, env);
            CollectorAgent agent = CollectorAgent.start(config, identity, server.url(), env, "test", "host", Clock.systemUTC());
            try {
                assertTrue(await(Duration.ofSeconds(30), () -> server.committed().stream()
                        .flatMap(b -> b.snapshots().stream()).anyMatch(s -> s.family().equals("collector_health"))),
                        "a collector_health snapshot reached the server");
            } finally {
                agent.close();
            }
            var health = server.committed().stream().flatMap(b -> b.snapshots().stream())
                    .filter(s -> s.family().equals("collector_health")).findFirst().orElseThrow();
            assertEquals("local17", health.target().name(), "health is filed under the monitored instance");
            assertTrue(health.target().systemIdentifier().matches("[0-9]+"), health.target().toString());
            assertTrue(server.received().stream().allMatch(r -> "Bearer agent-credential".equals(r.authorization())));
            assertTrue(Files.exists(dir.resolve("spool")), "the spool lives where the configuration says");
        }
    }
    @Test
    void runWithAWrongKeyPassphraseRefusesToStartAndSaysWhichKeyStoreAndWhichPassphraseSource() throws Exception {
        var settings = io.pganalytics.collector.crypto.EncryptionSettings.defaults(dir);
        try (var keys = io.pganalytics.collector.crypto.CollectorKeys.open(settings,
                Map.of(settings.passphraseEnv(), "the right passphrase"), new java.security.SecureRandom())) {
            IdentityFile.write(dir.resolve("identity.json"), new CollectorIdentity("c-1", "sealed-credential", "https://x.example"), keys);
        }
        Path configFile = Files.writeString(dir.resolve("collector.yaml"), """
                identity-file: identity.json
                targets: []
                """);
        int status = Main.execute(List.of("run", "--config", configFile.toString()), new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8),
                Map.of("HOME", dir.toString(), settings.passphraseEnv(), "a wrong passphrase"));
        assertEquals(1, status, err());
        assertTrue(err().contains("run: cannot open the collector's encryption keys: the collector's key store " + settings.keyStore()
                + " does not open with the passphrase from the environment variable " + settings.passphraseEnv()), err());
        assertTrue(!err().contains("a wrong passphrase") && !err().contains("the right passphrase"), err());
    }
}
