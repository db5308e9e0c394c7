package io.pganalytics.tools.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The server as a child JVM ({@code java -jar pganalytics-server.jar}) on the demo's data directory, its output
 * appended to a log file. Ready once it has written its runtime file and its admin socket answers
 * {@code /health/ready}; stopped with SIGTERM (a graceful stop) and waited for. Started with {@code --exit-with-parent},
 * so that it stops by itself when the demo's JVM ends without stopping it (kill -9), and its embedded PostgreSQL with it.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final Path runtimeFile;

    private ServerProcess(Process process, Path log, Path runtimeFile) {
        this.process = process;
        this.log = log;
        this.runtimeFile = runtimeFile;
    }

    /**
     * Starts the server on free ports of 127.0.0.1. Every {@code PGANALYTICS_*} variable of this process is left
     * out of the child's environment: the demo's server is self-contained (embedded PostgreSQL, its own cluster name).
     *
     * @param config             a configuration file for the server (its flags and the variables here still win)
     * @param firstAdminPassword the password of the {@code admin} user the server creates on its first start
     */
    static ServerProcess start(Path serverJar, DemoDirectory dir, Optional<Path> config, Optional<String> firstAdminPassword)
            throws DemoException {
        if (!Files.isRegularFile(serverJar)) {
            throw new DemoException("the server jar " + serverJar + " is missing: build it with ./mvnw -B -DskipTests install");
        }
        if (config.isPresent() && !Files.isRegularFile(config.get())) {
            throw new DemoException("--server-config " + config.get() + " is not a file");
        }
        Path log = dir.log("server");
        try {
            List<String> command = new ArrayList<>(List.of(javaExecutable().toString(), "-Xmx512m", "-jar", serverJar.toString(),
                    "--data-dir", dir.serverDataDir().toString(),
                    "--port", Integer.toString(freePort()), "--admin-port", Integer.toString(freePort()),
                    // the server stops when this JVM ends, even by kill -9: a killed demo leaves nothing running
                    "--exit-with-parent"));
            config.ifPresent(file -> command.addAll(List.of("--config", file.toString())));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("PGANALYTICS_"));
            env.put("PGANALYTICS_HTTP_HOST", "127.0.0.1");
            env.put("PGANALYTICS_CLUSTER_NAME", "pganalytics-demo");
            firstAdminPassword.ifPresent(password -> env.put("PGANALYTICS_ADMIN_PASSWORD", password));
            return new ServerProcess(builder.start(), log, dir.runtimeFile());
        } catch (IOException e) {
            throw new DemoException("cannot start the server (" + serverJar + "): " + e.getMessage(), e);
        }
    }

    /** Waits for the runtime file of this very process and for readiness. */
    ServerRuntime awaitReady(Duration timeout) throws DemoException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DemoException("the server stopped during start-up (exit status " + process.exitValue()
                        + "); the end of its log " + log + ":\n" + tail(log, 25));
            }
            Optional<ServerRuntime> runtime = ServerRuntime.read(runtimeFile).filter(r -> r.pid() == process.pid());
            if (runtime.isPresent() && ready(http, runtime.get())) {
                return runtime.get();
            }
            Thread.sleep(250);
        }
        throw new DemoException("the server was not ready within " + timeout.toSeconds() + " s; the end of its log "
                + log + ":\n" + tail(log, 25));
    }

    private static boolean ready(HttpClient http, ServerRuntime runtime) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(runtime.adminUrl() + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The exit status once the process has ended. */
    Optional<Integer> exitStatus() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** SIGTERM (the server drains requests and stops its embedded PostgreSQL), then waits; killed only if it hangs. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Path javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
