package io.pganalytics.collector;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector artefact is what gets installed on database hosts: it must hold the agent and nothing else. The demo,
 * the benchmark harness and the load generator live in the tools module (io.pganalytics.tools).
 */
class AgentOnlyTest {
    private static final List<String> TOOLS_PACKAGES = List.of("bench", "demo", "simulate");

    @Test
    void theCollectorsClassesHoldNoDemoBenchOrSimulateCode() throws IOException, URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> entries;
        if (Files.isDirectory(classes)) {
            entries = list(classes);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(classes)) {
                entries = list(jar.getPath("/"));
            }
        }
        assertTrue(entries.contains("io/pganalytics/collector/Main.class"), "scanned the collector's classes: " + classes);
        List<String> foreign = entries.stream()
                .filter(e -> TOOLS_PACKAGES.stream().anyMatch(p -> e.startsWith("io/pganalytics/collector/" + p + "/"))
                        || e.startsWith("io/pganalytics/") && !e.startsWith("io/pganalytics/collector/"))
                .toList();
        assertEquals(List.of(), foreign, "the agent's classes (" + classes + ") hold tools code");
    }

    @Test
    void theCollectorsCommandLineKnowsOnlyTheAgentsCommands() {
        for (String command : List.of("simulate", "demo", "bench", "crash-drill", "drill-backup", "spool-bench")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.execute(List.of(command, "--no-such-option"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
            assertEquals(Main.USAGE_ERROR, status, command);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command '" + command + "'"), err.toString(StandardCharsets.UTF_8));
        }
        String help = Main.help();
        for (String command : List.of("simulate --", "demo ", "bench ", "crash-drill", "drill-backup", "spool-bench")) {
            assertTrue(!help.contains(command), command + " in the collector's help: " + help);
        }
    }

    private static List<String> list(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .map(s -> s.startsWith("/") ? s.substring(1) : s)
                    .sorted()
                    .toList();
        }
    }
}
