package io.pganalytics.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak (the distribution zip from the Maven registry, unpacked into {@code target/} by the server's pom in
 * {@code process-test-resources}), started once per test JVM on free ports with the realm of
 * {@code src/test/resources/keycloak/pganalytics-realm.json} imported into an in-memory database, and stopped when the
 * JVM exits. Its log is {@code target/keycloak.log}.
 *
 * <p>The realm {@value #REALM} holds: the confidential OpenID Connect client {@value #OIDC_CLIENT} (standard flow,
 * PKCE S256 required, a {@code groups} claim with the group names), the SAML client {@value #SAML_CLIENT} (signed
 * assertions and responses, a {@code groups} attribute), the groups {@value #OPERATORS}, {@value #ADMINS} and
 * {@code pga-auditors}, and the users of {@link User}. Both clients accept a redirect (or ACS) to a test server on
 * any port: {@code https://127.0.0.1:*} (a prefix: Keycloak ignores the port only for plain-http loopback redirects,
 * registered as {@code http://127.0.0.1/api/v1/auth/sso/*}).
 */
public final class Keycloak {
    public static final String REALM = "pganalytics";
    public static final String OIDC_CLIENT = "pganalytics";
    public static final String OIDC_SECRET = "pganalytics-oidc-test-secret-0123456789abcdef";
    public static final String SAML_CLIENT = "pganalytics-saml";
    public static final String OPERATORS = "pga-operators";
    public static final String ADMINS = "pga-admins";
    public static final String ADMIN_USER = "admin";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static Keycloak instance;

    /** The realm's users: {@code olivia} is an operator, {@code adam} an admin, {@code nora} in no group. */
    public enum User {
        OLIVIA("olivia", "Olivia-Keycloak-Pass-1"),
        ADAM("adam", "Adam-Keycloak-Pass-1"),
        NORA("nora", "Nora-Keycloak-Pass-1");

        public final String username;
        public final String password;

        User(String username, String password) {
            this.username = username;
            this.password = password;
        }
    }

    private final Process process;
    private final URI baseUrl;
    private final String adminPassword;

    private Keycloak(Process process, URI baseUrl, String adminPassword) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.adminPassword = adminPassword;
    }

    /** The JVM's Keycloak, started on first use (a minute or so) and ready. */
    public static synchronized Keycloak get() {
        if (instance == null) {
            instance = start();
            Keycloak started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "keycloak-stop"));
        }
        return instance;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The realm's issuer: {@code http://127.0.0.1:<port>/realms/pganalytics}. */
    public String issuer() {
        return baseUrl + "/realms/" + REALM;
    }

    /** The realm's SAML IdP metadata (descriptor) URL. */
    public String samlMetadataUrl() {
        return issuer() + "/protocol/saml/descriptor";
    }

    /** The bootstrap admin's password (user {@value #ADMIN_USER} of the master realm), random per run. */
    public String adminPassword() {
        return adminPassword;
    }

    private static Keycloak start() {
        Path target = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("target");
        Path home = distribution(target);
        int httpPort = TestServers.freePort();
        int managementPort = TestServers.freePort();
        String adminPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        try {
            Path imports = home.resolve("data/import");
            Files.createDirectories(imports);
            try (InputStream realm = Keycloak.class.getResourceAsStream("/keycloak/pganalytics-realm.json")) {
                if (realm == null) {
                    throw new IllegalStateException("keycloak/pganalytics-realm.json is not on the test class path");
                }
                Files.copy(realm, imports.resolve("pganalytics-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            Path log = target.resolve("keycloak.log");
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=127.0.0.1", "--http-port=" + httpPort,
                    "--http-management-port=" + managementPort,
                    // a fresh database each run: the realm file is imported as it is now, never an old copy
                    "--db=dev-mem", "--import-realm", "--cache=local"));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("JAVA_HOME", System.getProperty("java.home")); // Keycloak wants 21+, as this JVM is
            env.remove("JAVA");
            env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx640m");
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            Process process = builder.start();
            Keycloak keycloak = new Keycloak(process, URI.create("http://127.0.0.1:" + httpPort), adminPassword);
            keycloak.awaitReady(log);
            return keycloak;
        } catch (IOException e) {
            throw new UncheckedIOException("starting Keycloak from " + home, e);
        }
    }

    private static Path distribution(Path target) {
        try (Stream<Path> entries = Files.list(target)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("keycloak-")
                            && Files.isRegularFile(p.resolve("bin/kc.sh")))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Keycloak distribution in " + target
                            + ": run the tests through Maven (process-test-resources unpacks org.keycloak:keycloak-quarkus-dist)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while Keycloak started", e);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("Keycloak not ready within " + START_TIMEOUT + ":\n" + tail(log));
            }
            try {
                Thread.sleep(250); // polling interval, bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while Keycloak started", e);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
