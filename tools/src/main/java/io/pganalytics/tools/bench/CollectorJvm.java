package io.pganalytics.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the bench starts a real collector ({@code java … -jar pganalytics-collector.jar run}, the agent's own jar built
 * beside this one): the JVM options, the environment
 * (glibc's {@code MALLOC_ARENA_MAX} must be set on the process, it is no JVM option), and reading its heap with
 * {@code jcmd}. Without options of the user's it uses what docs/COLLECTOR.md recommends, with the heap the
 * recommendation gives for the number of targets.
 *
 * @param options the JVM options, or null for the recommended ones
 */
record CollectorJvm(List<String> options, Map<String, String> environment) {
    /** The agent's JVM options from docs/COLLECTOR.md ("Overhead") and the launcher, without the heap's maximum. */
    static final String RECOMMENDED_OPTIONS =
            "-Xms16m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1";
    /** Product flag from JDK 25 on (experimental before: a JDK 21 would refuse to start with it). */
    static final String COMPACT_HEADERS = "-XX:+UseCompactObjectHeaders";
    /** glibc gives each thread that allocates an arena of its own, up to 8 per core: 2 are enough for the agent. */
    static final String RECOMMENDED_ENVIRONMENT = "MALLOC_ARENA_MAX=2";

    private static final Pattern USED = Pattern.compile(
            "^\\s*(?:DefNew|Tenured|PSYoungGen|ParOldGen|garbage-first heap|ZHeap|Shenandoah)\\b.*?\\bused (\\d+)K");

    CollectorJvm {
        options = options == null ? null : List.copyOf(options);
        environment = Map.copyOf(environment);
    }

    /** The user's options ("" or null: the recommended ones) and environment ("K=V K=V", "" for none). */
    static CollectorJvm of(String options, String environment) {
        List<String> parsed = options == null || options.isBlank() ? null : List.of(options.strip().split("\\s+"));
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : environment.strip().split("\\s+")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                env.put(pair.substring(0, equals), pair.substring(equals + 1));
            } else if (!pair.isEmpty()) {
                throw new IllegalArgumentException("--collector-env takes NAME=VALUE pairs, got '" + pair + "'");
            }
        }
        return new CollectorJvm(parsed, env);
    }

    /**
     * The heap docs/COLLECTOR.md recommends: 64 MiB up to 8 targets, else 32 MiB plus 4 MiB per target (each keeps
     * its previous pg_stat_statements sample for the deltas).
     */
    static int recommendedHeapMebibytes(int targets) {
        return Math.max(64, 32 + 4 * targets);
    }

    /** The options a collector of {@code targets} targets gets. */
    List<String> optionsFor(int targets) {
        if (options != null) {
            return options;
        }
        List<String> recommended = new ArrayList<>(List.of(RECOMMENDED_OPTIONS.split(" ")));
        recommended.add("-Xmx" + recommendedHeapMebibytes(targets) + "m");
        if (Runtime.version().feature() >= 25) {
            recommended.add(COMPACT_HEADERS);
        }
        return recommended;
    }

    Process start(Path config, Path log, int targets) throws IOException {
        Path jar = BenchCommand.defaultCollectorJar();
        if (!Files.isRegularFile(jar)) {
            throw new IOException("the collector jar " + jar.toAbsolutePath() + " is missing: build it first"
                    + " (./mvnw -B -pl collector -am package -DskipTests)");
        }
        List<String> command = new ArrayList<>(List.of(javaHome().resolve("bin").resolve("java").toString()));
        command.addAll(optionsFor(targets));
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /**
     * The heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}): what the collector
     * really keeps. -1 when jcmd is missing or fails. Costs the collector one full collection.
     */
    long heapAfterGc(long pid) throws InterruptedException {
        Path jcmd = javaHome().resolve("bin").resolve("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        try {
            if (run(jcmd, pid, "GC.run") == null) {
                return -1;
            }
            String info = run(jcmd, pid, "GC.heap_info");
            return info == null ? -1 : usedBytes(info);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The sum of the generations' "used" figures in a GC.heap_info answer; -1 when there is none. */
    static long usedBytes(String heapInfo) {
        long used = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            Matcher m = USED.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                found = true;
            }
        }
        return found ? used : -1;
    }

    private static String run(Path jcmd, long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return null;
        }
        return process.exitValue() == 0 ? new String(output, StandardCharsets.UTF_8) : null;
    }

    private static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }
}
