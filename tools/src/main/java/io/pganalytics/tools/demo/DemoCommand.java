package io.pganalytics.tools.demo;

import io.pganalytics.collector.CollectorAgent;
import io.pganalytics.collector.ShutdownLogManager;
import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.ConfigException;
import io.pganalytics.collector.config.ConfigLoader;
import io.pganalytics.collector.crypto.CollectorEncryption;
import io.pganalytics.collector.crypto.CollectorKeys;
import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.collector.register.IdentityFile;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code demo}: the whole product on this machine, driven from outside as a user would drive it (see the package
 * documentation). Start-up is sequential and every step says what it did; {@link DemoRun} holds what runs and stops
 * it in reverse order, from {@code --exit-after}, a failed verification, or Ctrl-C (a shutdown hook).
 */
public final class DemoCommand {
    public static final String USAGE = """
            demo [--headless] [--exit-after DURATION] [--verify-within DURATION] [--data-dir DIR]
                 [--server-jar JAR] [--console-jar JAR] [--server-config FILE]
              Runs the whole product on this machine: a server on its embedded PostgreSQL, a demo database with a
              realistic workload in that PostgreSQL, this collector monitoring it, and the console (unless --headless).
              Data in --data-dir (default ~/.pganalytics/demo), reused by the next run. --exit-after stops everything
              cleanly after that long; Ctrl-C too. --verify-within checks through the API that the demo instance shows
              transactions and the workload's queries within that long of start, and exits with status 1 if not.
              --server-config gives the server a configuration file of its own (for example encryption.statement-texts:
              true); the demo's ports, data directory and cluster name still win.""";
    static final String TARGET_NAME = "demo";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private DemoCommand() {
    }

    /** @return 0 after a clean stop, 1 when start-up or the verification failed */
    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String version)
            throws UsageException, InterruptedException {
        Instant started = Instant.now();
        CommandLine line = CommandLine.parse("demo", args,
                Set.of("data-dir", "server-jar", "console-jar", "exit-after", "verify-within", "server-config"), Set.of("headless"));
        Optional<Duration> exitAfter = line.value("exit-after").isPresent() ? Optional.of(line.duration("exit-after", null)) : Optional.empty();
        Optional<Duration> verifyWithin = line.value("verify-within").isPresent() ? Optional.of(line.duration("verify-within", null)) : Optional.empty();
        boolean headless = line.flag("headless");
        DemoDirectory dir = new DemoDirectory(line.path("data-dir").orElse(DemoDirectory.defaultRoot(env)).toAbsolutePath().normalize());
        Path root = repositoryRoot();
        Path serverJar = line.path("server-jar").orElse(root.resolve("server/target/pganalytics-server.jar"));
        Path consoleJar = line.path("console-jar").orElse(root.resolve("console-app/target/pganalytics-console.jar"));
        Optional<Path> serverConfig = line.path("server-config").map(path -> path.toAbsolutePath().normalize());

        DemoRun run = new DemoRun(out);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("demo-shutdown").unstarted(() -> {
            run.close();
            ShutdownLogManager.resetFinally();
        }));
        try {
            dir.create();
            DemoLogging.toFile(dir.log("collector"));
            out.println("pgAnalytics demo: data in " + dir.root());
            refuseRunningServer(dir);
            Optional<String> saved = dir.savedAdminPassword();
            String password = saved.isPresent() ? saved.get() : dir.newAdminPassword(new SecureRandom());

            out.println("starting the server (log: " + dir.log("server") + ")...");
            ServerProcess server = run.server(ServerProcess.start(serverJar, dir, serverConfig,
                    saved.isPresent() ? Optional.empty() : Optional.of(password)));
            ServerRuntime runtime = server.awaitReady(READY_TIMEOUT);
            out.printf("server ready after %d s: API %s, admin %s%n", seconds(started), runtime.apiUrl(), runtime.adminUrl());
            if (runtime.embeddedPostgresPort() == null) {
                throw new DemoException("the server reports no embedded PostgreSQL in " + dir.runtimeFile());
            }
            HttpClient https = trustExactlyTheServersCertificate(dir, runtime);
            DemoApi api = new DemoApi(https, runtime.apiUrl());
            api.login("admin", password);

            if (!Files.isRegularFile(dir.postgresSuperuserPasswordFile())) {
                throw new DemoException("the server wrote no " + dir.postgresSuperuserPasswordFile() + ": is it older than this demo?");
            }
            DemoDatabase database = new DemoDatabase(runtime.embeddedPostgresPort(),
                    Files.readString(dir.postgresSuperuserPasswordFile()).strip(), new SecureRandom());
            boolean created = database.prepare();
            out.println((created ? "created" : "reusing") + " the demo database " + DemoDatabase.DATABASE
                    + " (pgbench tables at scale 1, " + DemoSchema.ORDERS + " orders)");

            CollectorConfig config = writeCollectorConfig(dir, runtime, database, env);
            CollectorEncryption encryption;
            try {
                encryption = CollectorEncryption.open(config.encryption(), env, new SecureRandom());
            } catch (CryptoException e) {
                throw new DemoException("cannot open the collector's encryption keys: " + e.getMessage());
            }
            CollectorIdentity identity = identity(dir, api, https, runtime, version, out, encryption.sealingKeys());
            run.agent(CollectorAgent.start(config, encryption, identity, runtime.serverUrl(), env, version, hostname(), Clock.systemUTC()));
            out.println("collector " + identity.collectorId() + " monitoring " + database.targetUrl() + " (config: " + dir.collectorConfig() + ")");
            run.workload(DemoWorkload.start(database.application(), DemoWorkload.Settings.DEMO));
            out.println("workload running: TPC-B (2 sessions), a slow report every 15 s, a lock wait every 20 s, an unindexed lookup every 2 s");

            printAccess(out, dir, runtime, password, headless, consoleJar);
            if (!headless) {
                DemoConsole.start(consoleJar, runtime, dir.log("console"), out).ifPresent(run::console);
            }
            if (verifyWithin.isPresent()) {
                Instant deadline = started.plus(verifyWithin.get());
                out.println("verifying through the API (until " + verifyWithin.get().toSeconds() + " s after start)...");
                String seen = new DemoVerifier(api, TARGET_NAME, started).await(deadline);
                out.println("verified after " + seconds(started) + " s: the demo instance has transactions and the workload's queries:");
                out.println(seen);
            }
            out.println(exitAfter.map(d -> "running until " + d.toSeconds() + " s after start; Ctrl-C stops earlier")
                    .orElse("running; Ctrl-C stops everything"));
            run.awaitStop(exitAfter.map(started::plus));
            run.close();
            return 0;
        } catch (DemoException | IOException | SQLException | RegistrationException | ConfigException e) {
            if (run.closing()) {
                return 1; // Ctrl-C during start-up: the hook is stopping everything
            }
            err.println("demo: " + describe(e));
            run.close();
            return 1;
        }
    }

    private static void refuseRunningServer(DemoDirectory dir) throws DemoException {
        Optional<ServerRuntime> previous = ServerRuntime.read(dir.runtimeFile());
        if (previous.isPresent() && previous.get().processAlive()) {
            throw new DemoException("a server already runs on " + dir.serverDataDir() + " (pid " + previous.get().pid() + ", API "
                    + previous.get().apiUrl() + "): stop that demo first, or give another --data-dir");
        }
    }

    /** HTTPS that trusts exactly the certificate the server generated, after checking it is the one the server serves. */
    private static HttpClient trustExactlyTheServersCertificate(DemoDirectory dir, ServerRuntime runtime) throws DemoException, IOException {
        String fingerprint = DemoConsole.fingerprint(dir.certificate());
        if (!fingerprint.equalsIgnoreCase(runtime.certificateSha256())) {
            throw new DemoException(dir.certificate() + " (" + fingerprint + ") is not the certificate the server reports ("
                    + runtime.certificateSha256() + ")");
        }
        return new ServerTls(dir.certificate(), false).newClient(Duration.ofSeconds(10));
    }

    /** The saved identity when the server still knows it, else a new registration with a token the admin issues. */
    private static CollectorIdentity identity(DemoDirectory dir, DemoApi api, HttpClient https, ServerRuntime runtime,
                                              String version, PrintStream out, CollectorKeys keys)
            throws IOException, DemoException, RegistrationException, InterruptedException {
        if (Files.isRegularFile(dir.identityFile())) {
            CollectorIdentity saved = IdentityFile.readAndSeal(dir.identityFile(), keys);
            if (api.collectorEnabled(saved.collectorId())) {
                return saved;
            }
            out.println("the server no longer knows collector " + saved.collectorId() + ": registering again");
        }
        String token = api.registrationToken("pganalytics demo");
        CollectorIdentity identity = new RegistrationClient(https, Duration.ofSeconds(30))
                .register(runtime.serverUrl(), new RegistrationRequest(token, "demo-collector", hostname(), version));
        IdentityFile.write(dir.identityFile(), identity, keys);
        out.println("registered collector " + identity.collectorId() + " with a one-time token");
        return identity;
    }

    /**
     * The collector's configuration, written where a user can read it (and run it with {@code pganalytics collector run
     * --config}); rewritten at each start because the ports change. Short intervals so that the dashboards fill fast.
     */
    static CollectorConfig writeCollectorConfig(DemoDirectory dir, ServerRuntime runtime, DemoDatabase database,
                                                Map<String, String> env) throws IOException, ConfigException {
        String yaml = """
                # Written by 'pganalytics demo' at each start (the server's ports change between runs).
                server:
                  url: %s
                  ca-file: %s
                identity-file: %s
                spool:
                  dir: %s
                  max-bytes: 64MiB
                threads: 2
                health-interval: 15s
                batching:
                  max-delay: 500ms
                intervals:
                  instance: 15s
                  database: 5s
                  activity: 5s
                  wait_events: 5s
                  statements: 5s
                  statement_texts: 5s
                  locks: 5s
                  tables: 30s
                  indexes: 30s
                  bgwriter: 15s
                  wal: 15s
                  io: 15s
                  vacuum: 30s
                targets:
                  - name: %s
                    url: %s
                    password-file: %s
                    include-databases: [%s]
                """.formatted(runtime.serverUrl(), quoted(dir.certificate()), quoted(dir.identityFile()), quoted(dir.spool()),
                TARGET_NAME, database.targetUrl(), quoted(dir.targetPasswordFile()), DemoDatabase.DATABASE);
        dir.writeOwnerOnly(dir.targetPasswordFile(), database.monitoringPassword());
        dir.writeOwnerOnly(dir.collectorConfig(), yaml.strip());
        return ConfigLoader.load(dir.collectorConfig(), env);
    }

    private static void printAccess(PrintStream out, DemoDirectory dir, ServerRuntime runtime, String password,
                                    boolean headless, Path consoleJar) {
        out.println();
        out.println("pgAnalytics is running:");
        out.println("  API          " + runtime.apiUrl());
        out.println("  certificate  SHA-256 " + runtime.certificateSha256() + " (" + dir.certificate() + ")");
        out.println("  login        admin / " + (headless ? password + "  (saved in " + dir.adminPasswordFile() + ")"
                : "the password in " + dir.adminPasswordFile()));
        out.println("  health       " + runtime.adminUrl() + "/health/ready, metrics " + runtime.adminUrl() + "/metrics");
        out.println("  logs         " + dir.log("server").getParent());
        out.println("  console      " + DemoConsole.commandLine(consoleJar, runtime));
        out.println();
    }

    /** The checkout this jar was built in ({@code <root>/tools/target/pganalytics-tools.jar}), or the working directory. */
    private static Path repositoryRoot() {
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
            return root != null && Files.isDirectory(root.resolve("server")) ? root : Path.of("").toAbsolutePath();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static String quoted(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    private static long seconds(Instant since) {
        return Duration.between(since, Instant.now()).toSeconds();
    }

    private static String describe(Exception e) {
        if (e instanceof ConfigException config) {
            return "the collector configuration is not valid: " + String.join("; ", config.problems());
        }
        return e.getMessage();
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
