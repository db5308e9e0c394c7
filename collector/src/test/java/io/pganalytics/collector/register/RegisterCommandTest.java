package io.pganalytics.collector.register;

import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.crypto.CollectorKeys;
import io.pganalytics.collector.crypto.EncryptionSettings;
import io.pganalytics.collector.testing.LogCapture;
import io.pganalytics.collector.testing.TestIngestServer;
import io.pganalytics.common.wire.CollectorIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegisterCommandTest {
    @TempDir
    Path dir;
    private TestIngestServer server;
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws Exception {
        server = new TestIngestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Reads the identity as 'run' does: its credential sealed with the key generated beside it at registration. */
    private CollectorIdentity read(Path identityFile) throws Exception {
        try (CollectorKeys keys = CollectorKeys.open(EncryptionSettings.defaults(identityFile.getParent()),
                Map.of("HOME", dir.toString()), new SecureRandom())) {
            return IdentityFile.read(identityFile, keys);
        }
    }

    private int register(String... args) throws Exception {
        return RegisterCommand.run(List.of(args), out, err, Map.of("HOME", dir.toString()), "test");
    }

    @Test
    void registeringWritesAnOwnerOnlyIdentityFileAndNeverPrintsOrLogsTheCredential() throws Exception {
        server.acceptRegistrationToken("one-time-token");
        Path identityFile = dir.resolve("nested/identity.json");
        int status;
        List<String> logs;
        try (LogCapture capture = new LogCapture("")) {
            status = register("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--token", "one-time-token", "--name", "db-host-1",
                    "--identity-file", identityFile.toString());
            logs = capture.lines();
        }
        assertEquals(0, status, errBytes.toString(StandardCharsets.UTF_8));
        CollectorIdentity identity = read(identityFile);
        assertEquals("collector-1", identity.collectorId());
        assertTrue(identity.credential().startsWith("cred-1-"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identityFile)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(identityFile.getParent())));
        String printed = outBytes.toString(StandardCharsets.UTF_8) + errBytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("collector-1"), printed);
        assertFalse(printed.contains(identity.credential()), "the credential is not printed");
        assertFalse(printed.contains("one-time-token"), "the token is not printed");
        assertTrue(logs.stream().anyMatch(l -> l.contains("registered collector collector-1")), logs.toString());
        assertTrue(logs.stream().noneMatch(l -> l.contains(identity.credential()) || l.contains("one-time-token")), logs.toString());
        assertFalse(identity.toString().contains(identity.credential()));
        try (var files = Files.list(identityFile.getParent())) {
            assertEquals(List.of(identityFile), files.filter(f -> !f.getFileName().toString().equals("keys")).toList(),
                    "no temporary file is left behind (keys/ holds the collector's key store)");
        }
    }

    @Test
    void theTokenCanComeFromAFileAndTheDefaultPathIsUnderHome() throws Exception {
        server.acceptRegistrationToken("from-a-file");
        Path tokenFile = Files.writeString(dir.resolve("token.txt"), "from-a-file\n");
        assertEquals(0, register("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--token-file", tokenFile.toString()));
        assertTrue(Files.exists(dir.resolve(".pganalytics/collector/identity.json")));
    }

    @Test
    void aRefusedTokenPrintsTheServersMessageAndWritesNothing() throws Exception {
        Path identityFile = dir.resolve("identity.json");
        int status = register("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--token", "wrong", "--identity-file", identityFile.toString());
        assertEquals(1, status);
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("the registration token is unknown or was already used"),
                errBytes.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(identityFile));
    }

    @Test
    void anExistingIdentityIsReplacedOnlyWithForce() throws Exception {
        server.acceptRegistrationToken("t1");
        Path identityFile = Files.writeString(dir.resolve("identity.json"), "{}");
        assertEquals(1, register("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--token", "t1", "--identity-file", identityFile.toString()));
        assertTrue(errBytes.toString(StandardCharsets.UTF_8).contains("--force"));
        assertEquals(0, register("--server", server.url().toString(), "--ca-file", server.caFile().toString(), "--token", "t1", "--identity-file", identityFile.toString(), "--force"));
        assertEquals("collector-1", read(identityFile).collectorId());
    }

    @Test
    void missingOrContradictoryOptionsAreUsageErrors() {
        assertThrows(UsageException.class, () -> register("--token", "t"));
        assertThrows(UsageException.class, () -> register("--server", "https://x", "--token", "t", "--token-file", "f"));
        assertThrows(UsageException.class, () -> register("--server", "https://x", "--token", "t", "--insecure", "--ca-file", "c"));
        assertThrows(UsageException.class, () -> register("--server", "not a url", "--token", "t"));
        assertThrows(UsageException.class, () -> register("--server", "https://x", "--token", "t", "--bogus"));
    }
}
