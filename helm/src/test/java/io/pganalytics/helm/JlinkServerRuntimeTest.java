package io.pganalytics.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the server image runs, minus the container: a runtime built by the JDK's jlink from exactly the modules of
 * installers/images/server/modules.txt (as the Containerfile does), and the packaged server jar started on it with the
 * embedded database until its readiness endpoint answers 200. Images cannot be built or run here (no container
 * engine); this is the part of them that can. It takes over a minute (jlink, then a first start with initdb), so it
 * runs when {@code -Dpga.jlink.smoke=true} is given: .ci/run does, after the build has packaged the server.
 * <p>
 * The server runs as a non-root user, as in the image: run as root (CI containers), the test starts it as
 * {@code nobody} through {@code runuser} (PostgreSQL's initdb refuses root), in a directory of its own under target/.
 */
class JlinkServerRuntimeTest {
    private static final Path ROOT = Path.of(System.getProperty("pga.chart.dir", "pganalytics")).toAbsolutePath()
            .getParent().getParent();
    private static final Duration READY_WITHIN = Duration.ofMinutes(3);

    private static final String UNPRIVILEGED = "nobody";

    @Test
    void theServerStartsOnItsJlinkRuntimeWithTheEmbeddedDatabase() throws Exception {
        assumeTrue(Boolean.getBoolean("pga.jlink.smoke"), "the jlink smoke runs with -Dpga.jlink.smoke=true (.ci/run)");
        Path jar = ROOT.resolve("server/target/pganalytics-server.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: package the server first (./mvnw -B -pl server -am package)");
        List<String> modules = Files.readAllLines(ROOT.resolve("installers/images/server/modules.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Path work = Path.of("target/jlink-smoke").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        Path runtime = work.resolve("runtime");
        Path jdk = Path.of(System.getProperty("java.home"));
        long started = System.nanoTime();
        run(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules", String.join(",", modules), "--strip-debug",
                "--no-man-pages", "--no-header-files", "--compress=zip-6", "--output", runtime.toString()), Duration.ofMinutes(3));
        long jlinkMillis = (System.nanoTime() - started) / 1_000_000;
        String listed = run(List.of(runtime.resolve("bin/java").toString(), "--list-modules"), Duration.ofMinutes(1));
        assertFalse(listed.contains("jdk.compiler"), "the runtime holds only the listed modules and what they require");
        System.err.printf("jlink runtime: %d modules, %d MiB, built in %d ms%n", listed.lines().count(), size(runtime) >> 20, jlinkMillis);

        Path dataDir = work.resolve("data");
        Path log = work.resolve("server.log");
        List<String> command = new ArrayList<>(List.of(runtime.resolve("bin/java").toString(), "-Xmx512m", "-jar",
                jar.toString(), "--data-dir", dataDir.toString(), "--port", "0", "--admin-port", "0", "--exit-with-parent"));
        if (System.getProperty("user.name").equals("root")) {
            // the image's user is not root either; the data directory is owner-only and the server's
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            var users = dataDir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dataDir, users.lookupPrincipalByName(UNPRIVILEGED));
            command.addAll(0, List.of("runuser", "-u", UNPRIVILEGED, "--"));
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long start = System.nanoTime();
        try {
            String adminUrl = adminUrl(dataDir, server, log);
            int status = 0;
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            while (System.nanoTime() - start < READY_WITHIN.toNanos() && server.isAlive()) {
                try {
                    status = client.send(HttpRequest.newBuilder(URI.create(adminUrl + "/health/ready")).timeout(Duration.ofSeconds(5))
                            .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1;
                }
                if (status == 200) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            assertEquals(200, status, () -> "not ready: " + tail(log));
            System.err.printf("server on the jlink runtime ready in %d ms (embedded PostgreSQL, first start)%n",
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static String adminUrl(Path dataDir, Process server, Path log) throws Exception {
        Path runtimeFile = dataDir.resolve("runtime.json");
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline && server.isAlive()) {
            if (Files.isRegularFile(runtimeFile) && Files.size(runtimeFile) > 0) {
                JsonNode content = new ObjectMapper().readTree(runtimeFile.toFile());
                return content.get("adminUrl").asText();
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        fail("the server wrote no runtime.json (alive: " + server.isAlive() + "): " + tail(log));
        return null;
    }

    private static String run(List<String> command, Duration within) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var reader = process.inputReader()) {
            reader.lines().forEach(lines::add);
        }
        assertTrue(process.waitFor(within.toSeconds(), TimeUnit.SECONDS), command.getFirst() + " did not finish");
        assertEquals(0, process.exitValue(), () -> command + ": " + String.join("\n", lines));
        return String.join("\n", lines);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
