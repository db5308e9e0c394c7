package io.pganalytics.tools.bench;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.tools.simulate.SimulateCommand;
import io.pganalytics.tools.simulate.SimulationResult;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code bench}: a real server in a child JVM, N collectors registered through the real API and driven by the
 * simulation through the real ingest path, then the raw-COPY limit and, on request, the dashboard's latency.
 * Exit status 0 when every batch was acknowledged (speed never fails it), 1 otherwise.
 */
public final class BenchCommand {
    public static final String USAGE = """
            bench [--collectors N] [--interval S] [--duration D] [--drain-timeout D]
                  [--server-jar FILE] [--server-heap SIZE] [--server-jvm-options "..."] [--database-url JDBC --database-user U --database-password-file F]
                  [--raw-batches N | --no-raw-copy] [--dashboard [--history-days N] [--history-step D] [--rounds N]]
                  [--overhead 1,20,50 [--overhead-threads 1,8] [--overhead-warmup D] [--overhead-window D]
                   [--saturation-window D] [--target-rtt D] [--collector-jvm-options "..."] [--collector-env "K=V ..."]]
                  [--statement-texts off|on|both] [--audit on|off|both] [--work-dir DIR]
              Starts a server from its jar (embedded PostgreSQL in a temporary directory unless --database-url), issues
              N registration tokens and registers N collectors through the API, runs them as 'simulate' does (a mid-size
              instance each) and reports batches/s, rows/s, success, send latency p50/p95/p99, the server's and
              PostgreSQL's CPU and memory, PostgreSQL rows/s and storage per instance-day; then the same kind of rows
              COPY'd straight into the same tables (the physical limit), and with --dashboard the query API's latency
              over a generated history. --collectors 0 skips the ingest phase. --overhead runs one real collector
              ('run') per listed target count and thread count against databases of the embedded PostgreSQL and
              reports its CPU, memory and the time its statements take there; --saturation-window also runs the
              largest count with every interval at 1 s (throughput of 1 thread against 8). --target-rtt (e.g. 5ms)
              puts a TCP proxy in front of each target that delays every chunk by half of it each way, as a network
              would. The collector JVM gets the options docs/COLLECTOR.md recommends (heap by target count) and
              MALLOC_ARENA_MAX=2 unless --collector-jvm-options / --collector-env say otherwise. --statement-texts sets
              the server's encryption.statement-texts (default off); 'both' runs every phase twice, on a fresh server
              with the option off and then on, and ends with the two side by side. --audit sets the server's
              audit.api-calls (default on: every API call and ingest call recorded); 'both' runs every phase with auditing
              off and then on, side by side (not with --statement-texts both). docs/BENCHMARKS.md has the method and the
              figures.""";

    /** Held so that the level sticks: a line per spool opened would bury the report under thousands of collectors. */
    private static final java.util.logging.Logger SPOOL_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.spool");

    private BenchCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, String version)
            throws UsageException, InterruptedException {
        if (!args.isEmpty() && args.getFirst().equals("incidents")) {
            return IncidentSuiteCommand.run(args.subList(1, args.size()), out, err, version);
        }
        if (!args.isEmpty() && args.getFirst().equals("failover")) {
            return FailoverCommand.run(args.subList(1, args.size()), out, err, version);
        }
        CommandLine line = CommandLine.parse("bench", args, Set.of("collectors", "interval", "duration", "drain-timeout",
                "server-jar", "server-heap", "database-url", "database-user", "database-password-file", "raw-batches",
                "history-days", "history-step", "rounds", "work-dir", "overhead", "overhead-threads", "overhead-window",
                "overhead-warmup", "saturation-window", "collector-jvm-options", "collector-env", "target-rtt",
                "server-jvm-options", "statement-texts", "audit"), Set.of("no-raw-copy", "dashboard"));
        Settings settings = new Settings(line.integer("collectors", 500, 0, 10_000),
                line.duration("interval", Duration.ofSeconds(60)), line.duration("duration", Duration.ofMinutes(3)),
                line.duration("drain-timeout", Duration.ofSeconds(120)),
                line.path("server-jar").orElseGet(BenchCommand::defaultServerJar),
                line.value("server-heap").orElse("1g"), line.value("database-url").orElse(null),
                line.value("database-user").orElse("postgres"), password(line), line.path("database-password-file"),
                line.flag("no-raw-copy") ? 0 : line.integer("raw-batches", 3_000, 1, 1_000_000),
                line.flag("dashboard"), line.integer("history-days", 7, 1, 30),
                line.duration("history-step", Duration.ofMinutes(5)), line.integer("rounds", 100, 1, 100),
                integers(line, "overhead", ""), integers(line, "overhead-threads", "1,8"),
                line.duration("overhead-warmup", Duration.ofSeconds(30)), line.duration("overhead-window", Duration.ofMinutes(2)),
                line.duration("saturation-window", Duration.ZERO),
                collectorJvm(line), targetRtt(line), line.value("server-jvm-options").orElse(""), statementTexts(line), audit(line));
        if (settings.statementTexts().size() > 1 && settings.audit().size() > 1) {
            throw new UsageException("bench: --statement-texts both and --audit both cannot go together: vary one at a time");
        }
        SPOOL_LOG.setLevel(java.util.logging.Level.WARNING);
        boolean temporary = line.value("work-dir").isEmpty();
        Path workDir = null;
        try {
            workDir = temporary ? Files.createTempDirectory("pganalytics-bench")
                    : Files.createDirectories(line.path("work-dir").orElseThrow());
            if (settings.audit().size() > 1) {
                int status = 0;
                List<BenchReport> reports = new ArrayList<>();
                for (boolean audit : settings.audit()) {
                    out.println("bench: audit.api-calls " + (audit ? "on" : "off"));
                    Bench bench = new Bench(settings, workDir.resolve(audit ? "audit-on" : "audit-off"), out, version,
                            settings.statementTexts().getFirst(), audit);
                    status = Math.max(status, bench.run());
                    reports.add(bench.report);
                }
                BenchReport.printSideBySide(out, "audit.api-calls", List.of("off", "on"), reports);
                return status;
            }
            if (settings.statementTexts().size() == 1) {
                return new Bench(settings, workDir, out, version, settings.statementTexts().getFirst(), settings.audit().getFirst()).run();
            }
            int status = 0;
            List<BenchReport> reports = new ArrayList<>();
            for (boolean texts : settings.statementTexts()) {
                out.println("bench: encryption.statement-texts " + (texts ? "on" : "off"));
                Bench bench = new Bench(settings, workDir.resolve(texts ? "texts-on" : "texts-off"), out, version, texts,
                        settings.audit().getFirst());
                status = Math.max(status, bench.run());
                reports.add(bench.report);
            }
            BenchReport.printSideBySide(out, "encryption.statement-texts", List.of("off", "on"), reports);
            return status;
        } catch (IOException | UncheckedIOException | SQLException | RegistrationException | ExecutionException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        } finally {
            if (temporary && workDir != null) {
                deleteTree(workDir);
            }
        }
    }

    /** The server jar built beside this tools jar (tools/target/ -> server/target/), else ./server/target/. */
    static Path defaultServerJar() {
        return builtJar("server/target/pganalytics-server.jar");
    }

    /**
     * The collector jar built beside this tools jar (tools/target/ -> collector/target/), else ./collector/target/: the
     * real agent, with its own manifest class path, is what the overhead phase and the incident suite measure.
     */
    static Path defaultCollectorJar() {
        return builtJar("collector/target/pganalytics-collector.jar");
    }

    private static Path builtJar(String pathInCheckout) {
        try {
            Path here = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path sibling = here.getParent().resolve("../..").resolve(pathInCheckout).normalize();
            if (Files.isRegularFile(sibling)) {
                return sibling;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        return Path.of(pathInCheckout);
    }

    private static List<Integer> integers(CommandLine line, String name, String fallback) throws UsageException {
        List<Integer> values = new ArrayList<>();
        for (String part : line.value(name).orElse(fallback).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                int value = Integer.parseInt(part.strip());
                if (value < 1 || value > 100) {
                    throw new NumberFormatException();
                }
                values.add(value);
            } catch (NumberFormatException e) {
                throw new UsageException("bench: --" + name + " takes numbers from 1 to 100 separated by commas, got '" + part + "'");
            }
        }
        return values;
    }

    private static CollectorJvm collectorJvm(CommandLine line) throws UsageException {
        try {
            return CollectorJvm.of(line.value("collector-jvm-options").orElse(null),
                    line.value("collector-env").orElse(CollectorJvm.RECOMMENDED_ENVIRONMENT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bench: " + e.getMessage());
        }
    }

    /** The round trip to each target; "0" (the default) connects straight to PostgreSQL. */
    private static Duration targetRtt(CommandLine line) throws UsageException {
        if (line.value("target-rtt").map(v -> v.strip().matches("0+(ms|s)?")).orElse(true)) {
            return Duration.ZERO;
        }
        Duration rtt = line.duration("target-rtt", Duration.ZERO);
        if (rtt.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new UsageException("bench: --target-rtt above 1 s is not a network, got " + rtt.toMillis() + " ms");
        }
        return rtt;
    }

    /** {@code --statement-texts}: the values of {@code encryption.statement-texts} to run with, in order. */
    private static List<Boolean> statementTexts(CommandLine line) throws UsageException {
        return switch (line.value("statement-texts").orElse("off")) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new UsageException("bench: --statement-texts takes off, on or both");
        };
    }

    /** {@code --audit}: the values of the server's {@code audit.api-calls} to run with, in order. */
    private static List<Boolean> audit(CommandLine line) throws UsageException {
        return switch (line.value("audit").orElse("on")) {
            case "off" -> List.of(false);
            case "on" -> List.of(true);
            case "both" -> List.of(false, true);
            default -> throw new UsageException("bench: --audit takes on, off or both");
        };
    }

    private static String password(CommandLine line) throws UsageException {
        if (line.path("database-password-file").isEmpty()) {
            return null;
        }
        try {
            return Files.readString(line.path("database-password-file").orElseThrow()).strip();
        } catch (IOException e) {
            throw new UsageException("bench: cannot read --database-password-file: " + e.getMessage());
        }
    }

    record Settings(int collectors, Duration interval, Duration duration, Duration drainTimeout, Path serverJar,
                    String serverHeap, String databaseUrl, String databaseUser, String databasePassword,
                    java.util.Optional<Path> passwordFile, int rawBatches,
                    boolean dashboard, int historyDays, Duration historyStep, int rounds, List<Integer> overheadTargets,
                    List<Integer> overheadThreads, Duration overheadWarmUp, Duration overheadWindow,
                    Duration saturationWindow, CollectorJvm collectorJvm, Duration targetRtt, String serverJvmOptions,
                    List<Boolean> statementTexts, List<Boolean> audit) {
    }

    /** One bench run: its server, its phases and the report. */
    private static final class Bench {
        private final Settings settings;
        private final Path workDir;
        private final PrintStream out;
        private final String version;
        private final BenchReport report;
        private final boolean statementTexts;
        private final boolean audit;
        /** The history the dashboard phase writes ends before the ingest phase's first batch. */
        private Instant ingestStarted = Instant.now();

        Bench(Settings settings, Path workDir, PrintStream out, String version, boolean statementTexts, boolean audit) {
            this.statementTexts = statementTexts;
            this.audit = audit;
            this.settings = settings;
            this.workDir = workDir;
            this.out = out;
            this.version = version;
            this.report = new BenchReport(settings, out);
        }

        int run() throws IOException, InterruptedException, SQLException, RegistrationException, ExecutionException {
            out.println("bench: starting the server from " + settings.serverJar());
            Map<String, String> env = new java.util.HashMap<>();
            env.put("PGANALYTICS_ENCRYPTION_STATEMENT__TEXTS", Boolean.toString(statementTexts));
            env.put("PGANALYTICS_AUDIT_API__CALLS", Boolean.toString(audit));
            if (settings.databaseUrl() != null) {
                env.put("PGANALYTICS_DATABASE_USER", settings.databaseUser());
                settings.passwordFile().ifPresent(f -> env.put("PGANALYTICS_DATABASE_PASSWORD__FILE", f.toAbsolutePath().toString()));
            }
            try (ServerProcess server = ServerProcess.start(settings.serverJar(), workDir.resolve("server"),
                    settings.serverHeap(), settings.serverJvmOptions(), settings.databaseUrl(), env, Duration.ofMinutes(3))) {
                // the server under test has a self-signed certificate generated at its first start
                HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(10));
                AdminApi api = new AdminApi(http, server.apiBase(), server.adminPassword());
                api.login();
                ServerDatabase database = server.embedded()
                        ? new ServerDatabase(server.jdbcUrl(), "postgres", server.embeddedSuperuserPassword(), ServerDatabase.EMBEDDED_APPLICATION_ROLE)
                        : new ServerDatabase(server.jdbcUrl(), settings.databaseUser(), settings.databasePassword(), null);
                if (!settings.overheadTargets().isEmpty()) {
                    overhead(server, database, http, api);
                }
                if (settings.collectors() == 0) {
                    report.print();
                    return 0;
                }
                List<CollectorIdentity> identities = register(api, http, server);
                SimulationResult result = ingest(server, database, http, identities);
                if (settings.rawBatches() > 0) {
                    long batches = Math.min(settings.rawBatches(), Math.max(1, result.acknowledged()));
                    out.println("bench: raw COPY of " + batches + " batches");
                    report.raw(RawCopy.run(database, database.instanceIds(), batches));
                }
                if (settings.dashboard()) {
                    dashboard(api, database);
                }
                report.print();
                return result.success() ? 0 : 1;
            }
        }

        private void overhead(ServerProcess server, ServerDatabase database, HttpClient http, AdminApi api)
                throws SQLException, IOException, InterruptedException, RegistrationException {
            int most = settings.overheadTargets().stream().mapToInt(Integer::intValue).max().orElseThrow();
            out.println("bench: collector overhead: preparing " + most + " databases of 50 tables and 20 indexes");
            CollectorOverhead overhead = new CollectorOverhead(database, server.apiBase(), http, api,
                    workDir.resolve("overhead"), database.port(), out, version, settings.collectorJvm(),
                    settings.targetRtt());
            overhead.prepare(most);
            List<CollectorOverhead.Figures> figures = new ArrayList<>();
            for (int targets : settings.overheadTargets()) {
                for (int threads : settings.overheadThreads()) {
                    figures.add(overhead.measure(targets, threads, null, settings.overheadWarmUp(), settings.overheadWindow()));
                }
            }
            if (!settings.saturationWindow().isZero()) {
                for (int threads : settings.overheadThreads()) {
                    figures.add(overhead.measure(most, threads, Duration.ofSeconds(1), Duration.ofSeconds(20),
                            settings.saturationWindow()));
                }
            }
            report.overhead(figures);
            api.login();
        }

        private List<CollectorIdentity> register(AdminApi api, HttpClient http, ServerProcess server)
                throws IOException, InterruptedException, ExecutionException, RegistrationException {
            long start = System.nanoTime();
            RegistrationClient client = new RegistrationClient(http, Duration.ofSeconds(30));
            List<Future<CollectorIdentity>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < settings.collectors(); i++) {
                    String name = String.format("sim-%04d", i + 1);
                    futures.add(pool.submit(() -> client.register(server.apiBase(),
                            new RegistrationRequest(api.registrationToken("bench " + name), name, "bench " + name, version))));
                }
            }
            List<CollectorIdentity> identities = new ArrayList<>();
            for (Future<CollectorIdentity> future : futures) {
                identities.add(future.get());
            }
            out.printf("bench: issued %d tokens and registered %d collectors in %.1f s%n", identities.size(),
                    identities.size(), (System.nanoTime() - start) / 1e9);
            return identities;
        }

        private SimulationResult ingest(ServerProcess server, ServerDatabase database, HttpClient http,
                                        List<CollectorIdentity> identities) throws IOException, InterruptedException, SQLException {
            ResourceWatch watch = new ResourceWatch(server.pid(), server.postmasterPid());
            ingestStarted = Instant.now();
            long tuplesBefore = database.tuplesInserted();
            long bytesBefore = database.timeSeriesBytes();
            ServerHistogram latencyBefore = ServerHistogram.read(http, server.adminPort(), ServerHistogram.INGEST);
            watch.start();
            SimulationResult result = SimulateCommand.drive(new SimulateCommand.Plan(server.apiBase(), http, identities,
                    settings.interval(), settings.duration(), settings.drainTimeout(), 64L * 1024 * 1024,
                    workDir.resolve("spools"), version), out);
            ResourceWatch.Figures figures = watch.stop();
            ServerHistogram serverLatency = ServerHistogram.read(http, server.adminPort(), ServerHistogram.INGEST).since(latencyBefore);
            Thread.sleep(1_500);  // statistics reach pg_stat_database within a second
            report.ingest(result, figures, serverLatency, database.tuplesInserted() - tuplesBefore,
                    database.timeSeriesBytes() - bytesBefore, database.timeSeriesBytes());
            return result;
        }

        private void dashboard(AdminApi api, ServerDatabase database)
                throws SQLException, IOException, InterruptedException {
            List<Long> ids = database.instanceIds();
            out.println("bench: writing " + settings.historyDays() + " days of history for " + ids.size() + " instances");
            DashboardBench.History history = DashboardBench.generate(database, ids, settings.historyDays(),
                    settings.historyStep(), ingestStarted.minusSeconds(120), out);
            api.login();
            out.println("bench: timing the query API");
            report.dashboard(history, DashboardBench.measure(api, ids, settings.rounds(), Instant.now()));
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory left behind is harmless
        }
    }
}
