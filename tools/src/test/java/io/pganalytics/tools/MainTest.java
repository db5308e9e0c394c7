package io.pganalytics.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void helpListsEveryToolAndExitsZero() {
        assertEquals(0, execute("--help"));
        for (String command : List.of("simulate --server", "demo [--headless]", "bench [--collectors", "bench incidents",
                "bench failover", "crash-drill", "drill-backup", "spool-bench")) {
            assertTrue(out().contains(command), command + " in " + out());
        }
    }

    @Test
    void versionPrintsTheRelease() {
        assertEquals(0, execute("--version"));
        assertTrue(out().startsWith("pganalytics-tools "), out());
    }

    @Test
    void everyToolIsDispatchedAndTheAgentsCommandsAreNot() {
        // each tool's own parser answers (so the command reached it) without starting anything
        for (String command : List.of("simulate", "demo", "bench", "crash-drill", "drill-backup", "spool-bench")) {
            errBytes.reset();
            assertEquals(2, execute(command, "--no-such-option"), command);
            assertTrue(err().contains(command + ": unknown option --no-such-option"), err());
        }
        for (String agentCommand : List.of("run", "check", "register", "keys")) {
            errBytes.reset();
            assertEquals(2, execute(agentCommand));
            assertTrue(err().contains("unknown command '" + agentCommand + "'"), err());
        }
    }

    @Test
    void noCommandOrABadValueExitWithStatus2AndSayWhy() {
        assertEquals(2, execute());
        assertTrue(err().contains("a command is required"));
        assertEquals(2, execute("simulate", "--server", "https://x", "--collectors", "0"));
        assertTrue(err().contains("--collectors must be between 1 and 10000"), err());
    }
}
