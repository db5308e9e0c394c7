package io.pganalytics.tools.simulate;

import io.pganalytics.collector.cli.CommandLine;
import io.pganalytics.collector.cli.UsageException;
import io.pganalytics.collector.register.RegistrationClient;
import io.pganalytics.collector.register.RegistrationException;
import io.pganalytics.collector.ship.LatencyHistogram;
import io.pganalytics.collector.ship.ServerTls;
import io.pganalytics.collector.ship.ShipperStats;
import io.pganalytics.collector.ship.ShippingSettings;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.TargetRef;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code simulate}: N collectors through the real spool and shipper against a real server, then a report.
 * Exit status 0 when every generated batch was acknowledged, 1 otherwise.
 */
public final class SimulateCommand {
    public static final String USAGE = """
            simulate --server URL --collectors N --interval S --duration D
                     [--token TOKEN | --token-file FILE] [--identities-dir DIR]
                     [--ca-file PEM | --insecure] [--work-dir DIR] [--spool-max-mib N] [--drain-timeout D]
              Behaves like N collectors of a mid-size instance each (50 tables, 20 indexes, 200 statements, activity),
              sending one batch per collector per interval through the real spool and shipper, then prints
              sent / acknowledged / failed and the send latency p50 / p95 / p99 (a progress line every 10 s).
              Identities: files in --identities-dir are reused; missing ones are registered with the tokens of
              --token-file (one per line, each used once) or --token (the same token for every collector, for
              servers that accept a multi-use token), and saved into --identities-dir for the next run.""";
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private SimulateCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env, String version)
            throws UsageException, InterruptedException {
        CommandLine line = CommandLine.parse("simulate", args,
                Set.of("server", "collectors", "interval", "duration", "token", "token-file", "identities-dir",
                        "ca-file", "work-dir", "spool-max-mib", "drain-timeout"), Set.of("insecure"));
        URI server = serverUri(line.required("server"));
        int collectors = line.integer("collectors", 1, 1, 10_000);
        Duration interval = line.duration("interval", Duration.ofSeconds(10));
        Duration duration = line.duration("duration", Duration.ofSeconds(60));
        Duration drainTimeout = line.duration("drain-timeout", Duration.ofSeconds(30));
        long spoolMaxBytes = line.integer("spool-max-mib", 16, 1, 4096) * 1024L * 1024;
        if (line.value("token").isPresent() && line.value("token-file").isPresent()) {
            throw new UsageException("simulate: give at most one of --token and --token-file");
        }
        if (line.flag("insecure") && line.value("ca-file").isPresent()) {
            throw new UsageException("simulate: --ca-file and --insecure cannot be combined");
        }
        Iterator<String> tokens = tokens(line, collectors);
        Path identitiesDir = line.path("identities-dir").orElse(null);
        if (identitiesDir == null && !tokens.hasNext()) {
            throw new UsageException("simulate: give --token, --token-file or --identities-dir");
        }
        ShippingSettings shipping = ShippingSettings.DEFAULTS;
        Path workDir = null;
        boolean temporary = line.value("work-dir").isEmpty();
        try {
            HttpClient http = new ServerTls(line.path("ca-file").orElse(null), line.flag("insecure"))
                    .newClient(shipping.connectTimeout());
            List<CollectorIdentity> identities = SimulationIdentities.obtain(collectors, identitiesDir, tokens, server,
                    new RegistrationClient(http, shipping.requestTimeout()), version, out);
            workDir = temporary ? Files.createTempDirectory("pganalytics-simulate") : Files.createDirectories(line.path("work-dir").orElseThrow());
            SimulationResult result = drive(new Plan(server, http, identities, interval, duration, drainTimeout,
                    spoolMaxBytes, workDir, version), out);
            result.print(out);
            return result.success() ? 0 : 1;
        } catch (RegistrationException | IOException | UncheckedIOException e) {
            err.println("simulate: " + e.getMessage());
            return 1;
        } finally {
            if (temporary && workDir != null) {
                deleteTree(workDir);
            }
        }
    }

    /**
     * What to simulate: the server, the one shared HTTP client, an identity per collector, the pace and the
     * spools' directory.
     */
    public record Plan(URI server, HttpClient http, List<CollectorIdentity> identities, Duration interval,
                       Duration duration, Duration drainTimeout, long spoolMaxBytes, Path workDir, String version) {
    }

    /**
     * A simulation while it runs, as the backup drill watches it: what has been acknowledged so far, and a way to end
     * generation before the plan's duration (the spools then drain as after a full run).
     */
    public interface LiveSimulation {
        /** Every batch acknowledged so far, with its sample time. */
        List<AcknowledgedBatch> acknowledged();

        /** Ends generation now; {@link #drive} then drains the spools and returns. */
        void stopGenerating();

        /** Ends generation and does not wait for the spools to drain (the server is gone): {@link #drive} returns soon. */
        void abandon();
    }

    /**
     * Runs the plan's collectors through their real spools and shippers (progress on {@code out} every 10 s),
     * waits for the spools to drain and returns the figures. The benchmark calls this too.
     */
    public static SimulationResult drive(Plan plan, PrintStream out) throws IOException, InterruptedException {
        return drive(plan, out, live -> {
        });
    }

    /** {@link #drive(Plan, PrintStream)}, handing {@code started} the running simulation once its collectors run. */
    public static SimulationResult drive(Plan plan, PrintStream out, java.util.function.Consumer<LiveSimulation> started)
            throws IOException, InterruptedException {
        List<SimulatedCollector> simulated = new ArrayList<>();
        try {
            Clock clock = Clock.systemUTC();
            for (int i = 0; i < plan.identities().size(); i++) {
                String name = String.format("sim-%04d", i + 1);
                TargetRef target = new TargetRef(String.valueOf(7_000_000_000_000_000_000L + i), name, name + ".simulated", 5432);
                simulated.add(new SimulatedCollector(name, plan.identities().get(i), new SyntheticInstance(target, i),
                        plan.server(), plan.http(), plan.workDir(), plan.spoolMaxBytes(), ShippingSettings.DEFAULTS,
                        clock, plan.version(), i).start());
            }
            Simulation simulation = new Simulation(simulated, out);
            started.accept(simulation);
            simulation.generate(plan.interval(), plan.duration());
            boolean drained = simulation.drain(plan.drainTimeout());
            return simulation.result(drained);
        } finally {
            closeAll(simulated, out);
        }
    }

    /** Closes every collector at once: each may wait for its request in flight, and thousands in a row add up. */
    private static void closeAll(List<SimulatedCollector> simulated, PrintStream out) {
        try (var closing = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SimulatedCollector collector : simulated) {
                closing.submit(() -> {
                    try {
                        collector.close();
                    } catch (IOException e) {
                        out.println("simulate: closing " + collector.name() + ": " + e.getMessage());
                    }
                });
            }
        }
    }

    private static URI serverUri(String text) throws UsageException {
        try {
            URI uri = URI.create(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("simulate: --server must be an https:// URL with a host, got '" + text + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("simulate: --server is not a URL: " + text);
        }
    }

    private static Iterator<String> tokens(CommandLine line, int collectors) throws UsageException {
        if (line.value("token").isPresent()) {
            return Collections.nCopies(collectors, line.required("token")).iterator();
        }
        if (line.value("token-file").isPresent()) {
            Path file = line.path("token-file").orElseThrow();
            try (Stream<String> lines = Files.lines(file)) {
                return lines.map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList().iterator();
            } catch (IOException e) {
                throw new UsageException("simulate: cannot read --token-file " + file + ": " + e.getMessage());
            }
        }
        return Collections.emptyIterator();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory left behind is harmless
        }
    }

    /** The running simulation: generation on a small timer pool, progress and the final report. */
    private static final class Simulation implements LiveSimulation {
        private final List<SimulatedCollector> collectors;
        private final PrintStream out;
        private volatile boolean stopped;
        private volatile boolean abandoned;
        private final long startedNanos = System.nanoTime();
        /** Whether the first interval's latencies were set aside (sends after it are the steady state). */
        private boolean steadySince;

        Simulation(List<SimulatedCollector> collectors, PrintStream out) {
            this.collectors = collectors;
            this.out = out;
        }

        void generate(Duration interval, Duration duration) throws InterruptedException {
            int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
            ScheduledExecutorService timer = Executors.newScheduledThreadPool(threads,
                    Thread.ofPlatform().name("simulate-", 0).daemon().factory());
            long intervalNanos = interval.toNanos();
            double seconds = interval.toMillis() / 1000.0;
            for (int i = 0; i < collectors.size(); i++) {
                SimulatedCollector collector = collectors.get(i);
                long offset = intervalNanos * i / collectors.size();
                timer.scheduleAtFixedRate(() -> collector.tick(seconds), offset, intervalNanos, TimeUnit.NANOSECONDS);
            }
            // The first interval is every collector's first batch (settings, query texts) and the server's warm-up:
            // the steady state's latencies are those recorded once every collector has its first batch acknowledged.
            long end = System.nanoTime() + duration.toNanos();
            waitWithProgress(duration.compareTo(interval) < 0 ? duration : interval, () -> stopped);
            waitWithProgress(Duration.ofNanos(Math.max(0, end - System.nanoTime())),
                    () -> stopped || collectors.stream().allMatch(c -> c.shipper().stats().acknowledged() > 0));
            if (end - System.nanoTime() > 0 && !stopped) {
                collectors.forEach(c -> c.shipper().takeIntervalLatency());
                steadySince = true;
            }
            waitWithProgress(Duration.ofNanos(Math.max(0, end - System.nanoTime())), () -> stopped);
            timer.shutdown();
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        }

        @Override
        public List<AcknowledgedBatch> acknowledged() {
            return collectors.stream().flatMap(c -> c.acknowledged().stream()).toList();
        }

        @Override
        public void stopGenerating() {
            stopped = true;
        }

        @Override
        public void abandon() {
            abandoned = true;
            stopped = true;
        }

        boolean drain(Duration timeout) throws InterruptedException {
            out.println("simulate: generation stopped; waiting up to " + timeout.toSeconds() + " s for the spools to drain");
            return waitWithProgress(timeout, () -> abandoned || pending() == 0) && pending() == 0;
        }

        /** Waits for {@code limit} or until {@code done}, printing progress every 10 s; true when done. */
        private boolean waitWithProgress(Duration limit, java.util.function.BooleanSupplier done) throws InterruptedException {
            long end = System.nanoTime() + limit.toNanos();
            long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
            CountDownLatch never = new CountDownLatch(1);
            while (System.nanoTime() < end) {
                if (done.getAsBoolean()) {
                    return true;
                }
                never.await(Math.min(200_000_000L, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (System.nanoTime() >= nextProgress) {
                    progress();
                    nextProgress += PROGRESS_EVERY.toNanos();
                }
            }
            return done.getAsBoolean();
        }

        private long pending() {
            return collectors.stream().mapToLong(c -> c.spool().stats().pendingBatches()).sum();
        }

        private void progress() {
            Totals t = totals();
            out.printf(Locale.ROOT, "t=%4ds generated=%d acknowledged=%d failed=%d pending=%d p95=%.1f ms%n",
                    (System.nanoTime() - startedNanos) / 1_000_000_000L, t.generated, t.acknowledged, t.failed,
                    t.pending, millis(t.latency.percentile(0.95)));
        }

        SimulationResult result(boolean drained) {
            Totals t = totals();
            double elapsed = (System.nanoTime() - startedNanos) / 1e9;
            LatencyHistogram steady = new LatencyHistogram();
            if (steadySince) {
                collectors.forEach(c -> steady.add(c.shipper().takeIntervalLatency()));
            }
            return new SimulationResult(collectors.size(), elapsed, t.generated, t.spoolErrors, t.dropped, t.attempts,
                    t.acknowledged, t.duplicates, t.retryLater, t.failures, t.quarantined, t.pending, drained,
                    t.rows, t.latency, steady, collectors.stream().flatMap(c -> c.acknowledgedBatches().stream()).toList());
        }

        private Totals totals() {
            Totals t = new Totals();
            for (SimulatedCollector c : collectors) {
                ShipperStats s = c.shipper().stats();
                t.generated += c.generated();
                t.rows += c.rows();
                t.spoolErrors += c.spoolErrors();
                t.dropped += c.spool().stats().droppedBatches();
                t.pending += c.spool().stats().pendingBatches();
                t.attempts += s.attempts();
                t.acknowledged += s.acknowledged();
                t.duplicates += s.duplicates();
                t.retryLater += s.retryLater();
                t.failures += s.failures();
                t.quarantined += s.quarantined();
                t.latency.add(c.shipper().latency());
            }
            t.failed = t.retryLater + t.failures;
            return t;
        }

        private static double millis(Duration d) {
            return d.toNanos() / 1e6;
        }
    }

    private static final class Totals {
        long generated;
        long rows;
        long spoolErrors;
        long dropped;
        long pending;
        long attempts;
        long acknowledged;
        long duplicates;
        long retryLater;
        long failures;
        long failed;
        long quarantined;
        final LatencyHistogram latency = new LatencyHistogram();
    }
}
