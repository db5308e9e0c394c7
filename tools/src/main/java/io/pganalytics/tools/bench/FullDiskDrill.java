package io.pganalytics.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.tools.simulate.SimulateCommand;
import io.pganalytics.tools.simulate.SimulationResult;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.wire.CollectorIdentity;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code drill-backup --full-disk}: the backup repository is a small tmpfs (root only: mounting needs it; skipped with
 * a message otherwise) that the database's backup cannot fit in. Checks that the backup fails cleanly (the run ends
 * {@code failed} with an error, no complete backup and no manifest of it in the repository), that the backup status
 * reports the problem (its health is not {@code ok}: the signal an alert is raised on), and that ingest never stops:
 * batches keep being acknowledged after the failure and every generated batch is delivered. Exit status 1 otherwise.
 */
final class FullDiskDrill {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final long repositoryBytes;
    private final int collectors;
    private final Duration interval;
    private final Path work;
    private final Path serverJar;
    private final String heap;
    private final PrintStream out;
    private final String version;

    FullDiskDrill(long repositoryBytes, int collectors, Duration interval, Path work, Path serverJar, String heap,
                  PrintStream out, String version) {
        this.repositoryBytes = repositoryBytes;
        this.collectors = collectors;
        this.interval = interval;
        this.work = work;
        this.serverJar = serverJar;
        this.heap = heap;
        this.out = out;
        this.version = version;
    }

    int run() throws IOException, InterruptedException, SQLException, ExecutionException {
        if (!root()) {
            out.println("drill-backup --full-disk: SKIPPED: mounting a small tmpfs as the repository needs root (run it as root)");
            return 0;
        }
        Path repository = Files.createDirectories(work.resolve("repository-tmpfs"));
        String mounted = command("mount", "-t", "tmpfs", "-o", "size=" + repositoryBytes + ",mode=0700", "tmpfs", repository.toString());
        if (mounted != null) {
            out.println("drill-backup --full-disk: SKIPPED: cannot mount a tmpfs here: " + mounted);
            return 0;
        }
        try {
            return drill(repository);
        } finally {
            String unmounted = command("umount", repository.toString());
            if (unmounted != null) {
                out.println("drill-backup --full-disk: umount " + repository + ": " + unmounted);
            }
        }
    }

    private int drill(Path repository) throws IOException, InterruptedException, SQLException, ExecutionException {
        out.printf(Locale.ROOT, "drill-backup --full-disk: repository on a %.0f MB tmpfs at %s; %d collectors every %d s%n",
                repositoryBytes / 1e6, repository, collectors, interval.toSeconds());
        Path spools = Files.createDirectories(work.resolve("spools"));
        try (ServerProcess server = ServerProcess.start(serverJar, work.resolve("server"), heap, "", null,
                Map.of("PGANALYTICS_BACKUP_REPOSITORY", repository.toString()), READY_TIMEOUT)) {
            HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(10));
            AdminApi api = new AdminApi(http, server.apiBase(), server.adminPassword());
            api.login();
            List<CollectorIdentity> identities = BackupDrillCommand.register(api, http, server, collectors, version, out);
            ServerDatabase database = new ServerDatabase(server.jdbcUrl(), "postgres", server.embeddedSuperuserPassword(),
                    ServerDatabase.EMBEDDED_APPLICATION_ROLE);
            Instant ingestStart = Instant.now();
            AtomicReference<SimulateCommand.LiveSimulation> live = new AtomicReference<>();
            SimulateCommand.Plan plan = new SimulateCommand.Plan(server.apiBase(), http, identities, interval, Duration.ofHours(2),
                    Duration.ofMinutes(2), 64L * 1024 * 1024, spools, version);
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
                await(() -> live.get() != null && acknowledged(live) >= collectors, interval.multipliedBy(3).plus(READY_TIMEOUT),
                        "every collector's first batch");
                long target = Math.max(repositoryBytes * 8, 128_000_000L);
                out.printf(Locale.ROOT, "drill-backup --full-disk: old data by bulk SQL through the embedded PostgreSQL's superuser "
                        + "until the database holds %.0f MB (the backup cannot fit)%n", target / 1e6);
                DrillFill.fill(database, database.instanceIds(), target, ingestStart.minusSeconds(60), out);
                api.login();
                List<String> failures = new ArrayList<>();
                String backupError = failedBackup(api, repository, failures);
                long before = acknowledged(live);
                long failedAt = System.nanoTime();
                boolean ingesting = await(() -> acknowledged(live) >= before + 2L * collectors, interval.multipliedBy(6).plusSeconds(30),
                        "batches acknowledged after the failed backup");
                if (!ingesting) {
                    failures.add("ingest stopped: " + (acknowledged(live) - before) + " batches acknowledged after the failed backup");
                }
                long afterFailure = acknowledged(live) - before;
                double afterSeconds = (System.nanoTime() - failedAt) / 1e9;
                api.login();
                JsonNode status = api.getJson("backups/status");
                String health = status.path("health").asText();
                if (health.equals("ok")) {
                    failures.add("the backup status says ok after a failed backup");
                }
                live.get().stopGenerating();
                SimulationResult result = simulation.get(5, TimeUnit.MINUTES);
                if (!result.success()) {
                    failures.add("ingest lost or could not deliver batches: " + result.pending() + " undelivered, "
                            + result.dropped() + " dropped, " + result.quarantined() + " refused");
                }
                out.println();
                out.println("full-disk drill: repository on a " + Math.round(repositoryBytes / 1e6) + " MB tmpfs");
                out.println("  backup                    " + (backupError == null ? "did not fail" : "failed: " + backupError));
                out.println("  backup status             health " + health + "; problems: " + status.path("problems"));
                out.printf(Locale.ROOT, "  ingest                    %d batches generated, %d acknowledged, %d undelivered, "
                        + "%d acknowledged in the %.1f s after the failure%n", result.generated(), result.acknowledged(), result.pending(),
                        afterFailure, afterSeconds);
                out.println("  result                    " + (failures.isEmpty()
                        ? "PASS: the backup failed cleanly, the status reports it, ingest went on and lost nothing"
                        : "FAIL: " + String.join("; ", failures)));
                return failures.isEmpty() ? 0 : 1;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the simulated collectors did not drain within 5 minutes");
            } finally {
                if (live.get() != null) {
                    live.get().abandon();
                }
                simulation.handle((r, e) -> r).join();
            }
        }
    }

    /** Backs up and expects a clean failure: a failed run with an error, or a refusal; no complete backup, no manifest. */
    private String failedBackup(AdminApi api, Path repository, List<String> failures) throws IOException, InterruptedException {
        OperationView operation;
        try {
            operation = BackupDrillCommand.followBackup(api, out);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("POST backups: ")) {
                return "refused: " + e.getMessage();  // a refusal up front is a clean failure too
            }
            throw e;
        }
        if (OperationView.SUCCEEDED.equals(operation.state())) {
            failures.add("the backup " + operation.backupId() + " succeeded on a full repository");
            return null;
        }
        if (operation.error() == null || operation.error().isBlank()) {
            failures.add("the failed backup run " + operation.id() + " gives no error");
        }
        if (operation.backupId() != null) {
            JsonNode backup = api.getJson("backups/" + operation.backupId());
            if ("complete".equals(backup.path("state").asText())) {
                failures.add("the catalogue lists " + operation.backupId() + " as complete");
            }
            if (Files.exists(repository.resolve("backups").resolve(operation.backupId()).resolve("manifest.json"))) {
                failures.add("the repository holds a manifest of the failed backup " + operation.backupId());
            }
        }
        return operation.error();
    }

    private static long acknowledged(AtomicReference<SimulateCommand.LiveSimulation> live) {
        return live.get() == null ? 0 : live.get().acknowledged().size();
    }

    private boolean await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        out.println("drill-backup --full-disk: waited " + timeout.toSeconds() + " s for " + what);
        return condition.getAsBoolean();
    }

    private static boolean root() {
        return "0".equals(commandOutput("id", "-u"));
    }

    /** Runs a system command; null when it succeeded, else what it printed. */
    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            return process.waitFor() == 0 ? null : (output.isEmpty() ? "exit status " + process.exitValue() : output);
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String commandOutput(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            return process.waitFor() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
