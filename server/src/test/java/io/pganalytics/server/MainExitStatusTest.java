package io.pganalytics.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's process, started as an operator starts it: a bad configuration file exits 2 with one line, no stack trace. */
@Tag("fault-and-attack")
class MainExitStatusTest {
    @TempDir
    Path dir;

    private record Exit(int status, String stderr) {
    }

    private Exit run(String yaml) throws Exception {
        Path config = Files.writeString(dir.resolve("server.yaml"), yaml);
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString(), "--data-dir", dir.resolve("data").toString()))
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop on a bad configuration within 60 s");
        }
        return new Exit(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void aYamlSyntaxErrorExitsWithStatus2AndOneLineNamingTheFileLineAndColumn() throws Exception {
        Exit exit = run("http:\n  port: 7000\n  admin-port: [7001\nquery:\n  max-points: 10\n");
        assertEquals(2, exit.status(), exit.stderr());
        List<String> lines = exit.stderr().lines().filter(l -> l.contains("start-up stopped")).toList();
        assertEquals(1, lines.size(), exit.stderr());
        assertTrue(lines.getFirst().contains("server.yaml: not valid YAML at line "), exit.stderr());
        assertTrue(lines.getFirst().matches(".*line \\d+, column \\d+.*"), exit.stderr());
        assertFalse(exit.stderr().contains("\tat "), "no stack trace: " + exit.stderr());
    }

    @Test
    void aMisspeltKeyExitsWithStatus2NamingTheNearestValidKey() throws Exception {
        Exit exit = run("ingest:\n  max-compresed-bytes: 1MiB\n");
        assertEquals(2, exit.status(), exit.stderr());
        assertTrue(exit.stderr().contains("'ingest.max-compresed-bytes': unknown key; did you mean ingest.max-compressed-bytes?"),
                exit.stderr());
        assertFalse(exit.stderr().contains("\tat "), "no stack trace: " + exit.stderr());
    }
}
