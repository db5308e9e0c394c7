package io.pganalytics.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The server under test: {@code java -jar pganalytics-server.jar} in a child JVM with its own data directory, free
 * ports, and either its embedded PostgreSQL (on a port chosen here, so that the bench can reach it too, as its
 * superuser with the password the server keeps in its data directory) or a given database. Its log goes to
 * {@code server.log} in the data directory. Started with {@code --exit-with-parent}: a benchmark that is killed leaves
 * no server behind. The crash drill kills it ({@link #killEverything()}) and starts it again with the same command.
 */
final class ServerProcess implements AutoCloseable {
    private final ProcessBuilder builder;
    private volatile Process process;
    private final Path dataDir;
    private final int apiPort;
    private final int adminPort;
    private final String jdbcUrl;
    private final boolean embedded;

    private ServerProcess(ProcessBuilder builder, Process process, Path dataDir, int apiPort, int adminPort, String jdbcUrl,
                          boolean embedded) {
        this.builder = builder;
        this.process = process;
        this.dataDir = dataDir;
        this.apiPort = apiPort;
        this.adminPort = adminPort;
        this.jdbcUrl = jdbcUrl;
        this.embedded = embedded;
    }

    /**
     * Starts the server and waits until it is ready.
     *
     * @param databaseUrl a JDBC URL, or null for the embedded PostgreSQL
     * @param extraEnv    further PGANALYTICS_... settings
     */
    static ServerProcess start(Path serverJar, Path dataDir, String heap, String jvmOptions, String databaseUrl, Map<String, String> extraEnv,
                               Duration readyTimeout) throws IOException, InterruptedException {
        return start(serverJar, dataDir, heap, jvmOptions, databaseUrl, extraEnv, List.of(), readyTimeout);
    }

    /** As above, with further command-line arguments of the server ({@code --config FILE}). */
    static ServerProcess start(Path serverJar, Path dataDir, String heap, String jvmOptions, String databaseUrl, Map<String, String> extraEnv,
                               List<String> extraArgs, Duration readyTimeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(serverJar)) {
            throw new IOException("no server jar at " + serverJar + ": build it with ./mvnw -B -DskipTests package, or pass --server-jar");
        }
        Files.createDirectories(dataDir);
        int apiPort = freePort();
        int adminPort = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseG1GC"));
        for (String option : jvmOptions.strip().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);  // e.g. -XX:StartFlightRecording=... to profile the server
            }
        }
        command.addAll(List.of("-jar", serverJar.toAbsolutePath().toString(),
                "--data-dir", dataDir.toString(), "--port", String.valueOf(apiPort), "--admin-port", String.valueOf(adminPort),
                "--exit-with-parent"));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("server.log").toFile()));
        String jdbcUrl;
        if (databaseUrl == null) {
            int pgPort = freePort();
            builder.environment().put("PGANALYTICS_DATABASE_EMBEDDED_PORT", String.valueOf(pgPort));
            jdbcUrl = "jdbc:postgresql://127.0.0.1:" + pgPort + "/pganalytics";
        } else {
            builder.environment().put("PGANALYTICS_DATABASE_URL", databaseUrl);
            jdbcUrl = databaseUrl;
        }
        builder.environment().putAll(extraEnv);
        ServerProcess server = new ServerProcess(builder, builder.start(), dataDir, apiPort, adminPort, jdbcUrl, databaseUrl == null);
        server.awaitReady(readyTimeout);
        return server;
    }

    /** Starts the server again with the very same command (ports, data directory, settings) and waits until it is ready. */
    void restart(Duration readyTimeout) throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the server (pid " + process.pid() + ") still runs");
        }
        process = builder.start();
        awaitReady(readyTimeout);
    }

    /**
     * kill -9 of the server's JVM, everything it started, its PostgreSQL's postmaster and every process of that
     * PostgreSQL, as close to at once as a program can: a power cut, as far as processes go. Waits until they are gone;
     * returns how many processes were killed.
     */
    int killEverything() throws InterruptedException {
        List<ProcessHandle> victims = new ArrayList<>();
        postmasterPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(postmaster -> {
            victims.add(postmaster);
            victims.addAll(postmaster.descendants().toList());
        }));
        victims.add(process.toHandle());
        victims.addAll(process.descendants().toList());
        victims.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ProcessHandle victim : victims) {
            while (victim.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return victims.size();
    }

    /** kill -9 of the server's JVM alone (its database is elsewhere); waits until it is gone. */
    void killJvm() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the server drains (readiness DOWN, 503 to new requests, in-flight ones finish) and exits; waits for it. */
    boolean stopGracefully(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once the server answers /health/ready. */
    boolean ready(HttpClient http) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with status " + process.exitValue() + ": see " + log());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IOException("the server was not ready within " + timeout.toSeconds() + " s: see " + log());
    }

    URI apiBase() {
        return URI.create("https://127.0.0.1:" + apiPort);
    }

    int adminPort() {
        return adminPort;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    long pid() {
        return process.pid();
    }

    Path dataDir() {
        return dataDir;
    }

    Path log() {
        return dataDir.resolve("server.log");
    }

    String adminPassword() throws IOException {
        return Files.readString(dataDir.resolve("initial-admin-password")).strip();
    }

    /**
     * The embedded PostgreSQL's superuser password (docs/SERVER.md), null with a given database or with a server
     * older than the passwords (it trusted local connections).
     */
    String embeddedSuperuserPassword() throws IOException {
        Path file = dataDir.resolve("postgres-superuser-password");
        return embedded && Files.isRegularFile(file) ? Files.readString(file).strip() : null;
    }

    boolean embedded() {
        return embedded;
    }

    /** The embedded PostgreSQL's postmaster, from its postmaster.pid; empty with a given database. */
    OptionalLong postmasterPid() {
        if (!embedded) {
            return OptionalLong.empty();
        }
        try {
            String first = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).getFirst().strip();
            return OptionalLong.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void requireAlive(ServerProcess server) {
        if (!server.process.isAlive()) {
            throw new UncheckedIOException(new IOException("the server died: see " + server.log()));
        }
    }
}
