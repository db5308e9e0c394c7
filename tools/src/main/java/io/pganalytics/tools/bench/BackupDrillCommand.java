package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.tools.simulate.AcknowledgedBatch;
import io.pganalytics.tools.simulate.SimulateCommand;
import io.pganalytics.tools.simulate.SimulationResult;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.StartBackupRequest;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.units.ByteSizes;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.RegistrationRequest;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * {@code drill-backup}: RPO and RTO demonstrated (docs/backup/drill.md). A real server on its embedded PostgreSQL in a
 * child JVM, its backup repository on another directory (the drill's "other disk"); simulated collectors ingest
 * continuously; old data fills the database to the size asked (bulk SQL, see {@link DrillFill}); a full backup through
 * the API; ingest goes on; then the server and its PostgreSQL are killed (SIGKILL) and {@code <data-dir>/postgres} and
 * {@code <data-dir>/wal-outbox} are deleted (the database's disk is lost); {@code pganalytics-server restore --to
 * latest} restores into a new directory from the repository and the key-encryption key alone; the directory is moved
 * into place and the server started. Figures: RTO (destruction to /health/ready), RPO per instance (newest
 * acknowledged sample minus newest restored one), backup and restore MB/s. Exit status 1 when RPO >= 5 min,
 * RTO >= 1 h, a step failed, or data is missing that the restore had to bring back.
 */
public final class BackupDrillCommand {
    public static final String USAGE = """
            drill-backup [--size SIZE] [--collectors N] [--interval DURATION] [--keep-ingesting DURATION]
                         [--data-dir DIR] [--repository DIR] [--server-jar JAR] [--server-heap SIZE] [--smoke]
            drill-backup --full-disk [--repository-size SIZE] [--collectors N] [--interval DURATION]
              Backup and recovery drill on the embedded default: N simulated collectors (default 100, one batch per
              --interval, default 10s) ingest into a real server; old data fills its database to --size (default 1GB,
              by bulk SQL); a full backup through the API into --repository (default: a directory beside the data
              directory: put it on another disk); ingest goes on for --keep-ingesting (default 60s); the server is
              killed (SIGKILL), <data-dir>/postgres and <data-dir>/wal-outbox are deleted, 'pganalytics-server restore
              --to latest' restores, the result is moved into place and the server started. Prints RTO, RPO per
              instance, backup and restore MB/s. --data-dir and --repository must be empty or absent (default:
              temporary, removed afterwards). --smoke: 32MB, 10 collectors every 2s, 20s of ingest after the backup
              (the CI run, a few minutes). Exit status 1 when RPO >= 5 min, RTO >= 1 h, a step failed or data is missing.
              --full-disk: the repository is a tmpfs of --repository-size (default 16MiB; root only, skipped otherwise)
              that the backup cannot fit in: the backup must fail cleanly, the backup status report it, and ingest go on
              without losing a batch (default 10 collectors every 2s). Exit status 1 otherwise.""";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** The server must be serving again within the RTO objective, or the drill has failed anyway. */
    private static final Duration RESTART_TIMEOUT = BackupDrillReport.RTO_OBJECTIVE;
    private static final Duration BACKUP_TIMEOUT = Duration.ofHours(2);
    private static final Duration RESTORE_TIMEOUT = Duration.ofHours(2);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    /** The restore command's figure line: {@code restored 51862802 bytes (51.9 MB) from the repository in 12.0 s}. */
    private static final java.util.regex.Pattern RESTORED = java.util.regex.Pattern.compile("^restored (\\d+) bytes");
    private static final java.util.logging.Logger SHIP_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.ship");
    private static final java.util.logging.Logger SPOOL_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.spool");

    /** What to run. */
    record Settings(long sizeBytes, int collectors, Duration interval, Duration keepIngesting, Path dataDir, Path repository,
                    boolean temporary, Path serverJar, String heap) {
    }

    private BackupDrillCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("drill-backup", args, Set.of("size", "collectors", "interval", "keep-ingesting",
                "data-dir", "repository", "server-jar", "server-heap", "repository-size"), Set.of("smoke", "full-disk"));
        Path work = null;
        SHIP_LOG.setLevel(java.util.logging.Level.SEVERE);
        SPOOL_LOG.setLevel(java.util.logging.Level.WARNING);
        try {
            if (line.flag("full-disk")) {
                work = Files.createTempDirectory("pganalytics-drill-full-disk");
                return fullDisk(line, work, out, version);
            }
            if (line.value("repository-size").isPresent()) {
                throw new UsageException("drill-backup: --repository-size goes with --full-disk");
            }
            boolean smoke = line.flag("smoke");
            boolean temporary = line.value("data-dir").isEmpty();
            work = temporary ? Files.createTempDirectory("pganalytics-drill-backup") : null;
            Settings settings = settings(line, smoke, work);
            return new Drill(settings, out, version).run();
        } catch (IOException | UncheckedIOException | SQLException | RegistrationException | ExecutionException e) {
            err.println("drill-backup: " + e.getMessage());
            return 1;
        } finally {
            if (work != null) {
                BenchCommand.deleteTree(work);
            }
        }
    }

    private static int fullDisk(CommandLine line, Path work, PrintStream out, String version)
            throws UsageException, IOException, InterruptedException, SQLException, ExecutionException {
        for (String option : List.of("size", "keep-ingesting", "data-dir", "repository")) {
            if (line.value(option).isPresent()) {
                throw new UsageException("drill-backup: --full-disk takes no --" + option);
            }
        }
        long repositoryBytes;
        try {
            repositoryBytes = ByteSizes.parse(line.value("repository-size").orElse("16MiB"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("drill-backup: --repository-size: " + e.getMessage());
        }
        return new FullDiskDrill(repositoryBytes, line.integer("collectors", 10, 1, 10_000),
                line.duration("interval", Duration.ofSeconds(2)), work, line.path("server-jar").orElseGet(BenchCommand::defaultServerJar),
                line.value("server-heap").orElse("1g"), out, version).run();
    }

    static Settings settings(CommandLine line, boolean smoke, Path work) throws UsageException, IOException {
        long size;
        try {
            size = ByteSizes.parse(line.value("size").orElse(smoke ? "32MB" : "1GB"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("drill-backup: --size: " + e.getMessage());
        }
        if (size < 16_000_000L) {
            throw new UsageException("drill-backup: --size must be at least 16MB (an empty server's database is about that)");
        }
        Path dataDir = line.path("data-dir").orElseGet(() -> work.resolve("server"));
        Path repository = line.path("repository").orElseGet(() -> dataDir.toAbsolutePath().getParent().resolve(
                dataDir.getFileName() + "-repository"));
        for (Path dir : List.of(dataDir, repository)) {
            requireEmpty(dir);
        }
        if (repository.toAbsolutePath().normalize().startsWith(dataDir.toAbsolutePath().normalize())) {
            throw new UsageException("drill-backup: --repository " + repository + " is inside --data-dir: the drill loses "
                    + "the data directory's disk, so the repository must be elsewhere");
        }
        return new Settings(size, line.integer("collectors", smoke ? 10 : 100, 1, 10_000),
                line.duration("interval", smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(10)),
                line.duration("keep-ingesting", smoke ? Duration.ofSeconds(20) : Duration.ofSeconds(60)),
                dataDir, repository, work != null,
                line.path("server-jar").orElseGet(BenchCommand::defaultServerJar), line.value("server-heap").orElse("1g"));
    }

    /** The drill destroys its data directory: never one that holds anything. */
    private static void requireEmpty(Path dir) throws UsageException, IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new UsageException("drill-backup: " + dir + " is not a directory");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("drill-backup: " + dir + " is not empty: the drill destroys its data directory "
                            + "and needs a fresh repository; give empty or new directories");
                }
            }
        }
    }

    private record Drill(Settings settings, PrintStream out, String version, long startedNanos) {

        Drill(Settings settings, PrintStream out, String version) {
            this(settings, out, version, System.nanoTime());
        }

        /** A line of progress with the time since the drill began. */
        private void say(String format, Object... args) {
            out.printf(Locale.ROOT, "drill-backup: t=%.0fs %s%n", (System.nanoTime() - startedNanos) / 1e9, String.format(Locale.ROOT, format, args));
        }

        int run() throws IOException, InterruptedException, SQLException, RegistrationException, ExecutionException {
            say("%d collectors every %d s, database to %.0f MB, %d s of ingest after the backup",
                    settings.collectors(), settings.interval().toSeconds(), settings.sizeBytes() / 1e6, settings.keepIngesting().toSeconds());
            say("%s", "data directory " + settings.dataDir() + ", backup repository " + settings.repository()
                    + " (the drill loses the data directory's postgres/ and wal-outbox/; the repository must be on another disk)");
            Files.createDirectories(settings.repository());
            Path spools = Files.createTempDirectory("pganalytics-drill-spools");
            try (ServerProcess server = ServerProcess.start(settings.serverJar(), settings.dataDir(), settings.heap(), "", null,
                    Map.of("PGANALYTICS_BACKUP_REPOSITORY", settings.repository().toAbsolutePath().toString()), READY_TIMEOUT)) {
                HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(10));
                AdminApi api = new AdminApi(http, server.apiBase(), server.adminPassword());
                api.login();
                List<CollectorIdentity> identities = register(api, http, server);
                ServerDatabase database = new ServerDatabase(server.jdbcUrl(), "postgres", server.embeddedSuperuserPassword(),
                        ServerDatabase.EMBEDDED_APPLICATION_ROLE);
                Instant ingestStart = Instant.now();
                AtomicReference<SimulateCommand.LiveSimulation> live = new AtomicReference<>();
                SimulateCommand.Plan plan = new SimulateCommand.Plan(server.apiBase(), http, identities, settings.interval(),
                        Duration.ofDays(1), Duration.ofMinutes(5), 64L * 1024 * 1024, spools, version);
                CompletableFuture<SimulationResult> simulation = CompletableFuture.supplyAsync(() -> {
                    try {
                        return SimulateCommand.drive(plan, new PrintStream(PrintStream.nullOutputStream()), live::set);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                try {
                    return phases(server, api, database, live, simulation, ingestStart);
                } finally {
                    if (live.get() != null) {
                        live.get().abandon();  // after a failure the spools cannot drain; after success they have
                    }
                    simulation.handle((r, e) -> r).get(10, TimeUnit.MINUTES);
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the simulated collectors did not stop within 10 minutes");
            } finally {
                BenchCommand.deleteTree(spools);
                if (settings.temporary()) {
                    BenchCommand.deleteTree(settings.repository());
                }
            }
        }

        private int phases(ServerProcess server, AdminApi api, ServerDatabase database,
                           AtomicReference<SimulateCommand.LiveSimulation> live, CompletableFuture<SimulationResult> simulation,
                           Instant ingestStart) throws IOException, InterruptedException, SQLException {
            awaitFirstBatches(live, simulation);
            List<Long> instances = database.instanceIds();
            say("%s", "every collector's first batch acknowledged; " + instances.size() + " instances");
            say("%s", "writing the old data by bulk SQL (INSERT ... SELECT generate_series) through the "
                    + "embedded PostgreSQL's superuser, not through ingest");
            DrillFill.Result fill = DrillFill.fill(database, instances, settings.sizeBytes(), ingestStart.minusSeconds(60), out);
            long fillRowsBefore = DrillFill.count(database, fill);
            say("old data: %d rows of ts.statements from %s to %s (a sample every %d s) in %.1f s; database %.1f MB",
                    fill.rows(), fill.from(), fill.end(), fill.step().toSeconds(), fill.seconds(), fill.databaseBytes() / 1e6);

            api.login();
            long databaseBytes;
            try (var c = database.connect()) {
                databaseBytes = DrillFill.databaseBytes(c);
            }
            BackupView backup = backup(api);
            if (!BackupView.COMPLETE.equals(backup.state())) {
                say("%s", "FAIL: the backup " + backup.id() + " ended " + backup.state() + ": " + backup.error());
                return 1;
            }
            double backupSeconds = Duration.between(backup.startedAt(), backup.finishedAt()).toMillis() / 1000.0;
            say("backup %s complete: %.1f MB in %.1f s, consistent at %s", backup.id(),
                    orZero(backup.sizeBytes()) / 1e6, backupSeconds, backup.consistentAt());

            say("%s", "ingesting for " + settings.keepIngesting().toSeconds() + " s more");
            pause(settings.keepIngesting(), simulation);

            long destroyed = System.nanoTime();
            int killed = server.killEverything();
            Path pgData = settings.dataDir().resolve("postgres");
            BenchCommand.deleteTree(pgData);
            BenchCommand.deleteTree(settings.dataDir().resolve("wal-outbox"));
            List<AcknowledgedBatch> acknowledged = live.get().acknowledged();
            say("DISASTER at %s: %d processes killed (SIGKILL), %s and wal-outbox deleted; "
                    + "%d batches had been acknowledged", Instant.now(), killed, pgData, acknowledged.size());

            Path target = settings.dataDir().resolve("postgres-restored");
            List<String> problems = new ArrayList<>();
            long restoreStarted = System.nanoTime();
            long[] readBytes = {0};
            int restoreStatus = restore(target, readBytes);
            double restoreSeconds = (System.nanoTime() - restoreStarted) / 1e9;
            if (restoreStatus != 0) {
                say("%s", "FAIL: the restore command exited with status " + restoreStatus);
                return 1;
            }
            long restoredBytes = treeBytes(target);
            Files.move(target, pgData, StandardCopyOption.ATOMIC_MOVE);
            long started = System.nanoTime();
            try {
                server.restart(RESTART_TIMEOUT);
            } catch (IOException e) {
                // the data directory may be temporary: show why before it goes
                try (Stream<String> log = Files.lines(server.log())) {
                    List<String> lines = log.toList();
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> out.println("  server.log | " + l));
                }
                throw e;
            }
            long ready = System.nanoTime();
            double startSeconds = (ready - started) / 1e9;
            double rtoSeconds = (ready - destroyed) / 1e9;
            say("serving again: restore %.1f s, start %.1f s, RTO %.1f s", restoreSeconds,
                    startSeconds, rtoSeconds);

            RecoveryPoint point = RecoveryPoint.of(acknowledged, stored(database, acknowledged), backup.startedAt());
            long fillRowsAfter = DrillFill.count(database, fill);
            afterRestore(simulation, live, problems);
            BackupDrillReport report = new BackupDrillReport(String.format(Locale.ROOT,
                    "%d collectors every %d s, %d s of ingest after the backup; %s", settings.collectors(),
                    settings.interval().toSeconds(), settings.keepIngesting().toSeconds(), Machine.describe()),
                    databaseBytes, String.format(Locale.ROOT, "%d rows of old data by bulk SQL in %.1f s, plus what ingest wrote",
                    fill.rows(), fill.seconds()), backupSeconds, orZero(backup.sizeBytes()), orZero(backup.storedBytes()),
                    restoreSeconds, restoredBytes, readBytes[0], startSeconds, rtoSeconds, point, fillRowsBefore, fillRowsAfter, problems);
            report.print(out);
            return report.exitStatus();
        }

        /** Ingest goes on after the restore: the collectors deliver what they held while the server was down. */
        private void afterRestore(CompletableFuture<SimulationResult> simulation, AtomicReference<SimulateCommand.LiveSimulation> live,
                                  List<String> problems) throws InterruptedException {
            int before = live.get().acknowledged().size();
            live.get().stopGenerating();
            try {
                SimulationResult result = simulation.get();
                say("after the restore the collectors delivered %d more batches (duplicates %d); "
                        + "undelivered %d", live.get().acknowledged().size() - before, result.duplicates(), result.pending());
                if (!result.success()) {
                    problems.add("ingest after the restore: " + result.pending() + " batches undelivered, " + result.dropped()
                            + " dropped, " + result.quarantined() + " refused");
                }
            } catch (ExecutionException e) {
                problems.add("the simulated collectors failed: " + e.getCause());
            }
        }

        private void awaitFirstBatches(AtomicReference<SimulateCommand.LiveSimulation> live,
                                       CompletableFuture<SimulationResult> simulation) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + settings.interval().multipliedBy(3).plus(READY_TIMEOUT).toNanos();
            while (System.nanoTime() < deadline) {
                if (simulation.isDone()) {
                    throw new IOException("the simulated collectors stopped before their first batches: " + simulation.state());
                }
                SimulateCommand.LiveSimulation running = live.get();
                if (running != null && running.acknowledged().stream().map(AcknowledgedBatch::collectorId).distinct().count()
                        == settings.collectors()) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IOException("not every collector had a batch acknowledged within the deadline");
        }

        private BackupView backup(AdminApi api) throws IOException, InterruptedException {
            OperationView operation = followBackup(api, out);
            if (!OperationView.SUCCEEDED.equals(operation.state()) || operation.backupId() == null) {
                throw new IOException("the backup operation " + operation.id() + " " + operation.state() + ": " + operation.error());
            }
            return lenient(api.mapper()).treeToValue(api.getJson("backups/" + operation.backupId()), BackupView.class);
        }

        /** {@code pganalytics-server restore --to latest}: its output goes to ours, indented. */
        private int restore(Path target, long[] readBytes) throws IOException, InterruptedException {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    settings.serverJar().toAbsolutePath().toString(), "restore", "--to", "latest", "--target", target.toString(),
                    "--data-dir", settings.dataDir().toString(), "--repository", settings.repository().toAbsolutePath().toString());
            say("%s", String.join(" ", command.subList(1, command.size())));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var lines = process.inputReader().lines()) {
                lines.forEach(l -> {
                    out.println("  | " + l);
                    java.util.regex.Matcher read = RESTORED.matcher(l);
                    if (read.find()) {
                        readBytes[0] = Long.parseLong(read.group(1));
                    }
                });
            }
            if (!process.waitFor(RESTORE_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("the restore command did not end within " + RESTORE_TIMEOUT.toMinutes() + " min");
            }
            return process.exitValue();
        }

        private void pause(Duration duration, CompletableFuture<SimulationResult> simulation) throws InterruptedException, IOException {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                if (simulation.isDone()) {
                    throw new IOException("the simulated collectors stopped early: " + simulation.state());
                }
                Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        }

        private List<CollectorIdentity> register(AdminApi api, HttpClient http, ServerProcess server)
                throws IOException, InterruptedException, ExecutionException {
            return BackupDrillCommand.register(api, http, server, settings.collectors(), version, out);
        }
    }

    /** Registers {@code count} collectors through the real API, each with its own one-time token. */
    static List<CollectorIdentity> register(AdminApi api, HttpClient http, ServerProcess server, int count, String version,
                                            PrintStream out) throws IOException, InterruptedException, ExecutionException {
        RegistrationClient client = new RegistrationClient(http, Duration.ofSeconds(30));
        List<Future<CollectorIdentity>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < count; i++) {
                String name = String.format("drill-%04d", i + 1);
                futures.add(pool.submit(() -> client.register(server.apiBase(),
                        new RegistrationRequest(api.registrationToken("backup drill " + name), name, "backup drill " + name, version))));
            }
        }
        List<CollectorIdentity> identities = new ArrayList<>();
        for (Future<CollectorIdentity> future : futures) {
            identities.add(future.get());
        }
        out.println("drill-backup: registered " + identities.size() + " collectors");
        return identities;
    }

    /**
     * Back up now through the API ({@code POST /api/v1/backups}), or follow the run already in progress, and follow it
     * ({@code GET /api/v1/backups/operations/{id}}) to its end, with its progress every 10 s; returns the ended run.
     */
    static OperationView followBackup(AdminApi api, PrintStream out) throws IOException, InterruptedException {
        ObjectMapper mapper = lenient(api.mapper());
        OperationStarted started = mapper.treeToValue(api.postJson("backups", new StartBackupRequest("full")), OperationStarted.class);
        OperationView operation = started.operation();
        out.println("drill-backup: backup through the API: operation " + operation.id()
                + (started.started() ? "" : " (one was already running: following it)"));
        long deadline = System.nanoTime() + BACKUP_TIMEOUT.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        while (OperationView.RUNNING.equals(operation.state())) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the backup operation " + operation.id() + " still runs after " + BACKUP_TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(500);
            if (System.nanoTime() >= nextProgress) {
                api.login();
                out.printf(Locale.ROOT, "drill-backup: backup %s: %s, %.1f MB of %s%n", operation.state(), operation.phase(),
                        operation.doneBytes() / 1e6, operation.totalBytes() == null ? "?" : String.format(Locale.ROOT, "%.1f MB",
                                operation.totalBytes() / 1e6));
                nextProgress += PROGRESS_EVERY.toNanos();
            }
            operation = mapper.treeToValue(api.getJson("backups/operations/" + operation.id()), OperationView.class);
        }
        return operation;
    }

    /** The restored database's {@code ingest_batch} keys among the acknowledged batches, as {@code collectorId batchId}. */
    private static Set<String> stored(ServerDatabase database, List<AcknowledgedBatch> acknowledged) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (var c = database.connect(); var ps = c.prepareStatement(
                "SELECT collector_id, batch_id FROM ingest_batch WHERE collector_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("varchar", acknowledged.stream().map(AcknowledgedBatch::collectorId).distinct().toArray()));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return stored;
    }

    static long treeBytes(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    static ObjectMapper lenient(ObjectMapper mapper) {
        return mapper.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    /** The machine and its load, for the figures. */
    static final class Machine {
        private Machine() {
        }

        static String describe() {
            String memory = "";
            try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
                memory = lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                        .map(l -> String.format(Locale.ROOT, ", %.0f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0)).orElse("");
            } catch (IOException | RuntimeException e) {
                // not Linux: cores only
            }
            String load = "";
            try {
                load = ", load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end";
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return Runtime.getRuntime().availableProcessors() + " cores" + memory + load;
        }
    }
}
