package io.pganalytics.collector.schedule;

import io.pganalytics.collector.catalog.CollectContext;
import io.pganalytics.collector.catalog.FamilyCollector;
import io.pganalytics.collector.catalog.FamilyCollectors;
import io.pganalytics.collector.catalog.QueryTextLedger;
import io.pganalytics.collector.catalog.Lane;
import io.pganalytics.collector.catalog.MissingCapabilityException;
import io.pganalytics.collector.host.HostCollectors;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.probe.Probe;
import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.TargetConnections;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.wire.Snapshot;
import io.pganalytics.common.wire.TargetRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every family of every target on its interval with a bounded pool of worker threads.
 * <ul>
 *   <li>A single tick thread only decides; workers collect. Each (target, family) is a unit: a tick that finds
 *       its previous collection still pending or running is skipped and counted, never queued, so a family never
 *       runs twice at once and a slow target does not pile up work.</li>
 *   <li>Each target has three serial lanes (instance connection, per-database connection, host files); a lane
 *       runs one collection at a time and returns its worker after each, so a slow target occupies at most one
 *       worker per lane and never more than its two connections, while other targets keep their turn.</li>
 *   <li>A connection failure backs the whole target off; any other failure backs off that family; both double
 *       per consecutive failure up to {@link ScheduleSettings#maxBackoff()}.</li>
 *   <li>Finished snapshots go to the {@link SnapshotSink}, which returns at once: collection never waits on shipping.</li>
 * </ul>
 */
public final class CollectionScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionScheduler.class);
    public static final int MIN_THREADS = 1;
    public static final int MAX_THREADS = 16;

    private final List<TargetSpec> specs;
    private final int threads;
    private final SnapshotSink sink;
    private final Clock clock;
    private final ScheduleSettings settings;
    private final List<TargetRuntime> targets = new ArrayList<>();
    private final List<Unit> units = new ArrayList<>();
    private ExecutorService workers;
    private ScheduledExecutorService ticks;
    private final QueryTextLedger texts;
    private ScheduledThreadPoolExecutor poolHousekeeping;
    private boolean started;

    public CollectionScheduler(List<TargetSpec> targets, int threads, SnapshotSink sink, Clock clock, ScheduleSettings settings) {
        this(targets, threads, sink, clock, settings, null);
    }

    /**
     * @param texts which query texts the server has (the agent's, told of deliveries by the spool); null for a
     *              ledger of this scheduler's own, whose claims only lapse
     */
    public CollectionScheduler(List<TargetSpec> targets, int threads, SnapshotSink sink, Clock clock, ScheduleSettings settings,
                               QueryTextLedger texts) {
        this.specs = List.copyOf(targets);
        if (threads < MIN_THREADS || threads > MAX_THREADS) {
            int clamped = Math.max(MIN_THREADS, Math.min(MAX_THREADS, threads));
            LOG.warn("collector threads {} is outside {}..{}: using {}", threads, MIN_THREADS, MAX_THREADS, clamped);
            threads = clamped;
        }
        this.threads = threads;
        this.sink = sink;
        this.clock = clock;
        this.settings = settings == null ? ScheduleSettings.DEFAULTS : settings;
        this.texts = texts != null ? texts
                : new QueryTextLedger(QueryTextLedger.DEFAULT_MAX_KEYS, this.settings.catalog().textResendAfter());
    }

    /** The worker count actually used (after clamping). */
    public int threads() {
        return threads;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("scheduler already started");
        }
        started = true;
        workers = Executors.newFixedThreadPool(threads, named("pganalytics-collect-"));
        ticks = Executors.newSingleThreadScheduledExecutor(named("pganalytics-ticks-"));
        // one thread for the idle and lifetime checks of every target's pool, not one per target
        poolHousekeeping = new ScheduledThreadPoolExecutor(1, named("pganalytics-pool-housekeeper-"));
        poolHousekeeping.setRemoveOnCancelPolicy(true);
        for (TargetSpec spec : specs) {
            TargetConnections connections = new TargetConnections(spec, settings.connections(), poolHousekeeping);
            TargetRuntime target = new TargetRuntime(spec, connections, workers,
                    new Backoff(settings.initialBackoff(), settings.maxBackoff()));
            targets.add(target);
            List<FamilyCollector> collectors = new ArrayList<>(FamilyCollectors.create(spec, settings.catalog(), texts));
            if (settings.hostMetrics() && spec.isLocal()) {
                collectors.addAll(HostCollectors.create(spec, settings.host()));
            }
            for (FamilyCollector collector : collectors) {
                if (settings.disabled().contains(collector.family().name())) {
                    continue;
                }
                Duration interval = settings.intervals().getOrDefault(collector.family().name(),
                        collector.family().defaultInterval());
                if (interval.compareTo(ScheduleSettings.MIN_INTERVAL) < 0) {
                    interval = ScheduleSettings.MIN_INTERVAL;
                }
                units.add(new Unit(target, collector, interval, new Backoff(settings.initialBackoff(), settings.maxBackoff())));
            }
        }
        for (TargetRuntime target : targets) {
            requestProbe(target);
            ticks.scheduleWithFixedDelay(() -> requestProbe(target), settings.reprobeEvery().toMillis(),
                    settings.reprobeEvery().toMillis(), TimeUnit.MILLISECONDS);
            ticks.scheduleWithFixedDelay(target.connections::closeIdle, 5, 5, TimeUnit.SECONDS);
        }
        int index = 0;
        for (Unit unit : units) {
            long period = unit.interval.toMillis();
            long initialDelay = Math.min(period, 1000) * (index++ % 10) / 10;
            ticks.scheduleAtFixedRate(() -> tick(unit), initialDelay, period, TimeUnit.MILLISECONDS);
        }
        LOG.info("collecting {} families of {} targets with {} threads", units.size(), targets.size(), threads);
    }

    /** Per target and family: runs, errors, skipped and deferred ticks, last durations. */
    public List<FamilyRunStats> stats() {
        List<FamilyRunStats> stats = new ArrayList<>();
        synchronized (this) {
            for (Unit unit : units) {
                stats.add(unit.stats());
            }
        }
        return stats;
    }

    /** How each probed target is identified on the wire, by target name; targets not probed yet are absent. */
    public java.util.Map<String, TargetRef> targetRefs() {
        java.util.Map<String, TargetRef> refs = new java.util.LinkedHashMap<>();
        synchronized (this) {
            for (TargetRuntime target : targets) {
                if (target.ref != null) {
                    refs.put(target.spec.name(), target.ref);
                }
            }
        }
        return refs;
    }

    /** The capabilities probed for a target, or null before the first successful probe. */
    public Capabilities capabilities(String targetName) {
        synchronized (this) {
            return targets.stream().filter(t -> t.spec.name().equals(targetName)).findFirst()
                    .map(t -> t.capabilities).orElse(null);
        }
    }

    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        ticks.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                // a collection is still waiting on PostgreSQL: closing the connections aborts it
                targets.forEach(target -> target.connections.close());
                workers.shutdownNow();
                if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("collection workers did not stop within 10 s");
                }
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            targets.forEach(target -> target.connections.close());
            poolHousekeeping.shutdownNow();
        }
    }

    private void tick(Unit unit) {
        try {
            TargetRuntime target = unit.target;
            Instant now = clock.instant();
            if (target.capabilities == null) {
                unit.deferred.incrementAndGet();
                requestProbe(target);
                return;
            }
            if (target.backoff.active(now) || unit.backoff.active(now)
                    || !unit.collector.availability(target.capabilities).available()) {
                unit.deferred.incrementAndGet();
                return;
            }
            if (!unit.busy.compareAndSet(false, true)) {
                unit.skipped.incrementAndGet();
                return;
            }
            target.lanes.get(unit.collector.lane()).submit(() -> run(unit));
        } catch (RuntimeException e) {
            LOG.error("target {}: scheduling family {} failed", unit.target.spec.name(), unit.name(), e);
        }
    }

    /**
     * After a target's first successful probe, collects at once every family whose ticks were deferred for want of
     * it: the first ticks fire before the probe answers, and a family with a long interval (instance: a minute) would
     * otherwise leave a new target without its version and role for that long.
     */
    private void runFamiliesThatNeverRan(TargetRuntime target) {
        List<Unit> waiting;
        synchronized (this) {
            waiting = units.stream().filter(u -> u.target == target && u.runs.get() == 0).toList();
        }
        waiting.forEach(this::tick);
    }

    private void requestProbe(TargetRuntime target) {
        if (target.backoff.active(clock.instant()) || !target.probing.compareAndSet(false, true)) {
            return;
        }
        target.lanes.get(Lane.INSTANCE).submit(() -> probe(target));
    }

    private void probe(TargetRuntime target) {
        try {
            Capabilities caps = Probe.run(target.connections, settings.connections().statementTimeout(), clock);
            Capabilities before = target.capabilities;
            target.ref = new TargetRef(caps.systemIdentifier(), target.spec.name(), target.spec.host(), target.spec.port());
            target.capabilities = caps;
            target.lastProbeError = null;
            if (before == null) {
                runFamiliesThatNeverRan(target);
            }
            int ended = target.backoff.succeeded();
            if (before == null || before.serverVersionNum() != caps.serverVersionNum() || before.inRecovery() != caps.inRecovery()) {
                LOG.info("target {}: PostgreSQL {} {}{}", target.spec.name(), caps.serverVersion(),
                        caps.inRecovery() ? "standby" : "primary", ended > 0 ? " (reachable again after " + ended + " failures)" : "");
            }
        } catch (SQLException | RuntimeException e) {
            Duration pause = target.backoff.failed(clock.instant());
            if (target.lastProbeError == null) {
                LOG.warn("target {}: probe failed, retrying in {} ms: {}", target.spec.name(), pause.toMillis(), e.getMessage());
            } else {
                LOG.debug("target {}: probe failed again, retrying in {} ms: {}", target.spec.name(), pause.toMillis(), e.getMessage());
            }
            target.lastProbeError = String.valueOf(e.getMessage());
        } finally {
            target.probing.set(false);
        }
    }

    private void run(Unit unit) {
        TargetRuntime target = unit.target;
        int concurrent = unit.running.incrementAndGet();
        unit.maxConcurrent.accumulateAndGet(concurrent, Math::max);
        long start = System.nanoTime();
        QueryTimer timer = new QueryTimer();
        try {
            Capabilities caps = target.capabilities;
            CollectContext context = new CollectContext(target.ref, caps, target.connections, clock,
                    settings.connections().statementTimeout(), timer);
            List<Snapshot> snapshots = unit.collector.collect(context);
            if (!snapshots.isEmpty()) {
                publish(unit, snapshots);
            }
            unit.lastError = null;
            if (unit.backoff.succeeded() > 0) {
                LOG.info("target {}: family {} collects again", target.spec.name(), unit.name());
            }
            if (unit.collector.lane() != Lane.HOST) {
                target.backoff.succeeded();
            }
        } catch (MissingCapabilityException e) {
            failed(unit, unit.backoff, e);
        } catch (SQLException e) {
            failed(unit, TargetConnections.isConnectionError(e) ? target.backoff : unit.backoff, e);
        } catch (IOException | RuntimeException e) {
            failed(unit, unit.backoff, e);
        } finally {
            unit.lastCycleMillis = (System.nanoTime() - start) / 1e6;
            unit.lastQueryMillis = timer.totalMillis();
            unit.lastRunAt = clock.instant();
            unit.runs.incrementAndGet();
            unit.running.decrementAndGet();
            unit.busy.set(false);
        }
    }

    private void failed(Unit unit, Backoff backoff, Exception e) {
        unit.errors.incrementAndGet();
        Duration pause = backoff.failed(clock.instant());
        boolean first = unit.lastError == null;
        unit.lastError = String.valueOf(e.getMessage());
        String scope = backoff == unit.target.backoff ? "target" : "family";
        if (first) {
            LOG.warn("target {}: family {} failed, {} backs off {} ms: {}", unit.target.spec.name(), unit.name(), scope,
                    pause.toMillis(), e.getMessage());
        } else {
            LOG.debug("target {}: family {} failed again, {} backs off {} ms: {}", unit.target.spec.name(), unit.name(),
                    scope, pause.toMillis(), e.getMessage());
        }
    }

    private void publish(Unit unit, List<Snapshot> snapshots) {
        try {
            sink.publish(snapshots);
        } catch (RuntimeException e) {
            LOG.error("target {}: the snapshot sink refused family {}", unit.target.spec.name(), unit.name(), e);
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
