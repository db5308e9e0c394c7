package io.pganalytics.server.crypto;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pganalytics-server keys ...} against a real node, trusting it through its runtime file as on the server's host. */
class KeysCommandTest {
    private static PgAnalyticsServer server;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("keys_cli"), TestServers.newClusterName(), Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Run keys(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new KeysCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                prompt -> Optional.empty(), environment).run(List.of(args));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run keys(String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--data-dir", server.dataDir().toString())).toArray(String[]::new);
        return keys(Map.of(KeysCommand.PASSWORD_ENV, TestServers.ADMIN_PASSWORD), all);
    }

    @Test
    void statusRotateAndRetirePrintTablesAndExitCodesSayWhatHappened() {
        Run status = keys("status");
        assertEquals(KeysCommand.OK, status.exit(), status.err());
        assertTrue(status.out().contains("DATA KEY  STATE") && status.out().contains("current"), status.out());
        int before = server.crypto().keys().currentKeyId();

        Run rotated = keys("rotate");
        assertEquals(KeysCommand.OK, rotated.exit(), rotated.err());
        assertTrue(rotated.out().contains("is current on every node"), rotated.out());
        int current = server.crypto().keys().currentKeyId();
        assertTrue(current != before);

        Run refused = keys("retire-data-key", Integer.toString(current));
        assertEquals(KeysCommand.REFUSED, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.err().contains("is current"), refused.err());

        Run dataKeyOnly = keys("rotate", "--data-key-only");
        assertEquals(KeysCommand.OK, dataKeyOnly.exit(), dataKeyOnly.err());
        assertTrue(!dataKeyOnly.out().contains("created by this rotation"), dataKeyOnly.out());
        Run after = keys("status");
        LoggerFactory.getLogger(KeysCommandTest.class).info("keys status after two rotations:\n{}", after.out());
    }

    @Test
    void aWrongCommandLineExits2AndAWrongPasswordExits4() {
        assertEquals(KeysCommand.USAGE, keys("retire-data-key", "abc").exit());
        assertEquals(KeysCommand.USAGE, keys("spin").exit());
        Run wrong = keys(Map.of(KeysCommand.PASSWORD_ENV, "not-the-password"), "status", "--data-dir", server.dataDir().toString());
        assertEquals(KeysCommand.DENIED, wrong.exit(), wrong.err());
        Run noPassword = keys(Map.of(), "status", "--data-dir", server.dataDir().toString());
        assertEquals(KeysCommand.FAILED, noPassword.exit());
        assertTrue(noPassword.err().contains(KeysCommand.PASSWORD_ENV), noPassword.err());
    }
}
