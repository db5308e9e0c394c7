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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code crash-drill}: the invariant "nothing acknowledged is ever lost" under kill -9. N simulated collectors (the
 * {@code simulate} code: real spools, real shippers) ingest into a real server on its embedded PostgreSQL; K times, at
 * a random moment, the server's JVM and every process of its PostgreSQL are killed with SIGKILL at once, and the
 * server is started again with the same command. Once the spools have drained, every acknowledged batch is looked up
 * by its id in the server's database. Exit status 1 when one is missing (or when the run could not deliver
 * everything), so that CI fails on loss. docs/BENCHMARKS.md, "Crash drill".
 */
public final class CrashDrillCommand {
    public static final String USAGE = """
            crash-drill [--collectors N] [--kills K] [--interval DURATION] [--duration DURATION] [--drain-timeout DURATION]
                        [--server-jar JAR] [--server-heap SIZE] [--seed N] [--work-dir DIR]
              N simulated collectors (default 500, one batch per --interval, default 10s) ingest for --duration (default
              5m) into a real server on its embedded PostgreSQL; K times (default 5), at random moments, the server's
              JVM and all its PostgreSQL processes are killed (SIGKILL) and the server is started again with the same
              command; the spools then drain for at most --drain-timeout (default 10m). Then: batches acknowledged, stored
              (by batch id in the database), lost (acknowledged but not
              stored), duplicates and the time to serve again after each kill. Exit status 1 if any batch was lost.""";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** Held so that the level sticks: every shipper logs each failed attempt while the server is down. */
    private static final java.util.logging.Logger SHIP_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.ship");
    private static final java.util.logging.Logger SPOOL_LOG = java.util.logging.Logger.getLogger("io.pganalytics.collector.spool");
    /** A kill waits until the server has served this long since its last start. */
    private static final Duration MIN_UP = Duration.ofSeconds(5);

    private CrashDrillCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("crash-drill", args, Set.of("collectors", "kills", "interval", "duration",
                "drain-timeout", "server-jar", "server-heap", "seed", "work-dir"), Set.of());
        int collectors = line.integer("collectors", 500, 1, 10_000);
        int kills = line.integer("kills", 5, 0, 100);
        Duration interval = line.duration("interval", Duration.ofSeconds(10));
        Duration duration = line.duration("duration", Duration.ofMinutes(5));
        Duration drainTimeout = line.duration("drain-timeout", Duration.ofMinutes(10));
        Path serverJar = line.path("server-jar").orElseGet(BenchCommand::defaultServerJar);
        String heap = line.value("server-heap").orElse("1g");
        long seed = line.integer("seed", (int) (System.nanoTime() & 0x7fffffff), 0, Integer.MAX_VALUE);
        if (kills > 0 && duration.dividedBy(kills).compareTo(MIN_UP.multipliedBy(3)) < 0) {
            throw new UsageException("crash-drill: --duration " + duration.toSeconds() + "s leaves less than "
                    + MIN_UP.multipliedBy(3).toSeconds() + " s between " + kills + " kills");
        }
        SHIP_LOG.setLevel(java.util.logging.Level.SEVERE);
        SPOOL_LOG.setLevel(java.util.logging.Level.WARNING);
        boolean temporary = line.value("work-dir").isEmpty();
        Path workDir = null;
        try {
            workDir = temporary ? Files.createTempDirectory("pganalytics-crash-drill")
                    : Files.createDirectories(line.path("work-dir").orElseThrow());
            return new Drill(collectors, kills, interval, duration, drainTimeout, serverJar, heap, new Random(seed), workDir,
                    out, version).run(seed);
        } catch (IOException | UncheckedIOException | SQLException | RegistrationException | ExecutionException e) {
            err.println("crash-drill: " + e.getMessage());
            return 1;
        } finally {
            if (temporary && workDir != null) {
                BenchCommand.deleteTree(workDir);
            }
        }
    }

    private record Drill(int collectors, int kills, Duration interval, Duration duration, Duration drainTimeout,
                         Path serverJar, String heap, Random random, Path workDir, PrintStream out, String version) {

        int run(long seed) throws IOException, InterruptedException, SQLException, RegistrationException, ExecutionException {
            out.printf(Locale.ROOT, "crash-drill: %d collectors, %d kills over %d s (seed %d), server %s%n",
                    collectors, kills, duration.toSeconds(), seed, serverJar);
            try (ServerProcess server = ServerProcess.start(serverJar, workDir.resolve("server"), heap, "", null, Map.of(),
                    READY_TIMEOUT)) {
                HttpClient http = new ServerTls(null, true).newClient(Duration.ofSeconds(10));
                AdminApi api = new AdminApi(http, server.apiBase(), server.adminPassword());
                api.login();
                List<CollectorIdentity> identities = register(api, http, server);
                SimulateCommand.Plan plan = new SimulateCommand.Plan(server.apiBase(), http, identities, interval, duration,
                        drainTimeout, 64L * 1024 * 1024, workDir.resolve("spools"), version);
                long started = System.nanoTime();
                CompletableFuture<SimulationResult> simulation = CompletableFuture.supplyAsync(() -> {
                    try {
                        return SimulateCommand.drive(plan, out);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor());
                List<Double> serveAgain = killAndRestart(server, http, started);
                SimulationResult result = simulation.get();
                result.print(out);
                ServerDatabase database = new ServerDatabase(server.jdbcUrl(), "postgres", server.embeddedSuperuserPassword(), null);
                return report(result, stored(database), serveAgain);
            }
        }

        private List<Double> killAndRestart(ServerProcess server, HttpClient http, long started)
                throws InterruptedException, IOException {
            List<Double> serveAgain = new ArrayList<>();
            long slot = duration.toNanos() / Math.max(1, kills);
            long lastReady = System.nanoTime();
            for (int i = 0; i < kills; i++) {
                // a random moment of slot i, at least MIN_UP after the server last came up and before the slot ends
                long earliest = Math.max(started + i * slot, lastReady + MIN_UP.toNanos());
                long latest = started + (i + 1) * slot - MIN_UP.toNanos();
                long at = earliest >= latest ? earliest : earliest + (long) (random.nextDouble() * (latest - earliest));
                long wait = at - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long killedAt = System.nanoTime();
                int processes = server.killEverything();
                server.restart(READY_TIMEOUT);
                lastReady = System.nanoTime();
                double seconds = (lastReady - killedAt) / 1e9;
                serveAgain.add(seconds);
                out.printf(Locale.ROOT, "crash-drill: kill %d at t=%.1f s: %d processes killed (SIGKILL); serving again after %.1f s%n",
                        i + 1, (killedAt - started) / 1e9, processes, seconds);
            }
            return serveAgain;
        }

        private List<CollectorIdentity> register(AdminApi api, HttpClient http, ServerProcess server)
                throws IOException, InterruptedException, ExecutionException {
            RegistrationClient client = new RegistrationClient(http, Duration.ofSeconds(30));
            List<Future<CollectorIdentity>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (int i = 0; i < collectors; i++) {
                    String name = String.format("drill-%04d", i + 1);
                    futures.add(pool.submit(() -> client.register(server.apiBase(),
                            new RegistrationRequest(api.registrationToken("crash drill " + name), name, "crash drill " + name, version))));
                }
            }
            List<CollectorIdentity> identities = new ArrayList<>();
            for (Future<CollectorIdentity> future : futures) {
                identities.add(future.get());
            }
            out.println("crash-drill: registered " + identities.size() + " collectors");
            return identities;
        }

        /** Every batch the server's database holds, as {@code collectorId batchId}. */
        private static Set<String> stored(ServerDatabase database) throws SQLException {
            Set<String> stored = new HashSet<>();
            try (Connection c = database.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT collector_id, batch_id FROM ingest_batch")) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return stored;
        }

        private int report(SimulationResult result, Set<String> stored, List<Double> serveAgain) {
            Set<String> acknowledged = new HashSet<>(result.acknowledgedBatches());
            long lost = acknowledged.stream().filter(id -> !stored.contains(id)).count();
            long storedOfAcknowledged = acknowledged.size() - lost;
            out.println();
            out.println("crash drill: " + collectors + " collectors, " + kills + " kills (SIGKILL of the server's JVM and all its PostgreSQL processes)");
            out.printf(Locale.ROOT, "  batches generated        %d%n", result.generated());
            out.printf(Locale.ROOT, "  batches acknowledged     %d%n", acknowledged.size());
            out.printf(Locale.ROOT, "  batches stored           %d (of the acknowledged: %d; rows in ingest_batch: %d)%n",
                    storedOfAcknowledged, storedOfAcknowledged, stored.size());
            out.printf(Locale.ROOT, "  lost                     %d (acknowledged but not stored)%n", lost);
            out.printf(Locale.ROOT, "  duplicates               %d (re-sent after a kill, answered 'already stored')%n", result.duplicates());
            out.printf(Locale.ROOT, "  undelivered at the end   %d%s%n", result.pending(), result.drained() ? "" : " (the spools did not drain in time)");
            out.println("  serving again after      " + (serveAgain.isEmpty() ? "-" : String.join(", ",
                    serveAgain.stream().map(s -> String.format(Locale.ROOT, "%.1f s", s)).toList())));
            boolean ok = lost == 0 && result.success() && acknowledged.size() == result.generated();
            out.println("  result                   " + (ok ? "PASS: nothing acknowledged was lost"
                    : lost > 0 ? "FAIL: " + lost + " acknowledged batches are not in the database"
                    : "FAIL: not every generated batch was delivered"));
            return ok ? 0 : 1;
        }
    }
}
