package io.pganalytics.installers.packages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaging sources and a few helpers shared by the tests: unit files as key lists, shell runs with a deadline. */
final class Packaging {
    static final List<String> MODULES = List.of("collector", "server");

    private Packaging() {
    }

    static Path dir() {
        return Path.of(System.getProperty("pga.packages.dir", ".")).toAbsolutePath().normalize();
    }

    static Path root() {
        return Path.of(System.getProperty("pga.root.dir", "../..")).toAbsolutePath().normalize();
    }

    static Path sources(String module) {
        return dir().resolve("src/packaging").resolve(module);
    }

    static String name(String module) {
        return "pganalytics-" + module;
    }

    /** A unit file's [Service] (or other section's) keys, each with every value it is given, in order. */
    static Map<String, List<String>> section(Path unit, String section) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String raw : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1);
                continue;
            }
            int equals = line.indexOf('=');
            if (section.equals(current) && equals > 0) {
                keys.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
                        .add(line.substring(equals + 1).strip());
            }
        }
        return keys;
    }

    record Run(int exitCode, String output) {
    }

    /** Runs a command (two minutes at most) and returns its exit code and its standard output and error together. */
    static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 2 minutes: " + command);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
