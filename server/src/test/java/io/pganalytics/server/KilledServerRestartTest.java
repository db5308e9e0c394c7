package io.pganalytics.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a server on its embedded PostgreSQL, with the server as a separate JVM started as a user starts it: its
 * PostgreSQL goes with it, and when one survives anyway (its watchdog was killed too), the next start stops it and
 * comes up.
 */
@Tag("fault-and-attack")
class KilledServerRestartTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private final List<Process> started = new ArrayList<>();
    /** What the started processes started in turn (a wrapper's server JVM): ended too when a test fails half-way. */
    private final List<ProcessHandle> descendants = new ArrayList<>();
    private Path dataDir;

    @AfterEach
    void stopWhatWasStarted() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
        if (dataDir != null) {
            postmaster(dataDir).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void theEmbeddedPostgresStopsWhenItsServerIsKilled(@TempDir Path dir) throws Exception {
        dataDir = dir;
        Process server = startServer(dir);
        ProcessHandle postgres = postmaster(dir).orElseThrow();
        server.destroyForcibly();  // SIGKILL to the JVM alone
        server.waitFor(30, TimeUnit.SECONDS);
        Eventually.await(Duration.ofSeconds(30), "the postmaster " + postgres.pid() + " exits after its server was killed",
                () -> !postgres.isAlive());
    }

    @Test
    void theNextStartStopsAPostgresThatSurvivedItsKilledServerAndComesUp(@TempDir Path dir) throws Exception {
        dataDir = dir;
        Process first = startServer(dir);
        ProcessHandle postgres = postmaster(dir).orElseThrow();
        List<ProcessHandle> everything = new ArrayList<>(first.descendants().toList());
        everything.add(first.toHandle());
        everything.forEach(ProcessHandle::destroyForcibly);  // the JVM and anything it started directly
        first.waitFor(30, TimeUnit.SECONDS);
        assertTrue(postgres.isAlive(), "the postmaster survived its server (the situation to recover from)");

        startServer(dir);
        assertFalse(postgres.isAlive(), "the stale postmaster " + postgres.pid() + " was stopped");
        ProcessHandle second = postmaster(dir).orElseThrow();
        assertTrue(second.isAlive() && second.pid() != postgres.pid(), "a new postmaster serves the restarted server");
    }

    @Test
    void aServerStartedWithExitWithParentStopsWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
        dataDir = dir;
        // the parent: a shell that started the server and waits for it, as the demo's JVM does
        Process parent = startServer(dir, List.of("/bin/sh", "-c", "\"$@\" & wait", "parent"), List.of("--exit-with-parent"));
        ProcessHandle server = parent.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).findFirst().orElseThrow();
        ProcessHandle postgres = postmaster(dir).orElseThrow();
        parent.destroyForcibly();
        Eventually.await(Duration.ofSeconds(60), "the server " + server.pid() + " stops after its parent was killed", () -> !server.isAlive());
        Eventually.await(Duration.ofSeconds(30), "its PostgreSQL " + postgres.pid() + " too", () -> !postgres.isAlive());
        assertFalse(Files.exists(dir.resolve("runtime.json")), "a graceful stop: the runtime file is gone");
    }

    private Process startServer(Path dir) throws IOException, InterruptedException {
        return startServer(dir, List.of(), List.of());
    }

    /**
     * Starts {@code Main} in a new JVM on {@code dir} (behind {@code wrapper}, when given) and waits for its runtime
     * file; returns the process started (the wrapper, when given).
     */
    private Process startServer(Path dir, List<String> wrapper, List<String> extraArguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("java.") || a.startsWith("jdk.") || a.startsWith("ALL-"))
                .forEach(command::add);
        command.addAll(List.of("-Xmx384m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--data-dir", dir.toString(), "--port", "0", "--admin-port", "0"));
        command.addAll(extraArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolveSibling(dir.getFileName() + "-server.log").toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PGANALYTICS_"));
        builder.environment().put("PGANALYTICS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("PGANALYTICS_CLUSTER_NAME", TestServers.newClusterName());
        builder.environment().put("PGANALYTICS_CLUSTER_PORT", Integer.toString(TestServers.freePort()));
        Process process = builder.start();
        started.add(process);
        Path runtime = dir.resolve("runtime.json");
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + " during start-up: see "
                        + dir.resolveSibling(dir.getFileName() + "-server.log"));
            }
            long pid = runtimePid(runtime);
            if (pid == process.pid() || (!wrapper.isEmpty() && process.descendants().anyMatch(p -> p.pid() == pid))) {
                descendants.addAll(process.descendants().toList());
                return process;
            }
            Thread.sleep(100);  // polling the runtime file, bounded by the deadline
        }
        throw new AssertionError("the server was not up within " + READY);
    }

    private static long runtimePid(Path runtime) {
        try {
            JsonNode node = JsonMapping.newMapper().readTree(runtime.toFile());
            return node.get("pid").asLong();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Optional<ProcessHandle> postmaster(Path dir) {
        try {
            String first = Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid")).getFirst().strip();
            return ProcessHandle.of(Long.parseLong(first)).filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
