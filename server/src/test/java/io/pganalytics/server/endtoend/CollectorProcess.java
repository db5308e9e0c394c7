package io.pganalytics.server.endtoend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the collector's real command line in a child JVM, as an operator would (its log goes to a file). */
final class CollectorProcess {
    private CollectorProcess() {
    }

    static Process start(Path workDir, Path log, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "io.pganalytics.collector.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a command to completion and returns its exit code, failing the test with the log if it hangs. */
    static int run(Path workDir, Path log, Map<String, String> env, Duration timeout, String... args) throws Exception {
        Process process = start(workDir, log, env, args);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("collector " + String.join(" ", args) + " did not finish in " + timeout + ":\n" + Files.readString(log));
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the graceful stop (spooling what was collected). */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
