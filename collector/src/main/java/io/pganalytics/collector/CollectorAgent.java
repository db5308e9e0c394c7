package io.pganalytics.collector;

import io.pganalytics.collector.catalog.CatalogSettings;
import io.pganalytics.collector.catalog.QueryTextLedger;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.collector.config.TargetConfig;
import io.pganalytics.collector.crypto.CollectorEncryption;
import io.pganalytics.collector.health.FamilyTiming;
import io.pganalytics.collector.health.HealthReporter;
import io.pganalytics.collector.schedule.CollectionScheduler;
import io.pganalytics.collector.schedule.FamilyRunStats;
import io.pganalytics.collector.schedule.ScheduleSettings;
import io.pganalytics.collector.schedule.Supervisor;
import io.pganalytics.collector.ship.IngestClient;
import io.pganalytics.collector.ship.Quarantine;
import io.pganalytics.collector.ship.Shipper;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpoolBatcher;
import io.pganalytics.collector.target.ConnectionSettings;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.wire.CollectorIdentity;
import io.pganalytics.common.wire.TargetRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/**
 * The running agent: schedulers collect into the batcher, the batcher spools, the shipper sends, the health
 * reporter reports on all of them. {@link #close()} stops them in that order, so that whatever was collected
 * is in the spool (on disk) before the process exits.
 */
public final class CollectorAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorAgent.class);
    /** Spooled batches whose query texts are remembered until they are acknowledged (a few per target and minute). */
    private static final int MAX_BATCHES_WITH_TEXTS = 100_000;

    private final CollectorEncryption encryption;
    private final Spool spool;
    private final SpoolBatcher batcher;
    private final Shipper shipper;
    private final HealthReporter health;
    private final List<CollectionScheduler> schedulers;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private CollectorAgent(CollectorEncryption encryption, Spool spool, SpoolBatcher batcher, Shipper shipper,
                           HealthReporter health, List<CollectionScheduler> schedulers) {
        this.encryption = encryption;
        this.spool = spool;
        this.batcher = batcher;
        this.shipper = shipper;
        this.health = health;
        this.schedulers = schedulers;
    }

    public static CollectorAgent start(CollectorConfig config, CollectorIdentity identity, URI server, Map<String, String> env,
                                String version, String hostname, Clock clock) throws IOException {
        return start(config, CollectorEncryption.open(config.encryption(), env, new SecureRandom()), identity, server, env,
                version, hostname, clock, Supervisor.Policy.DEFAULTS, Main::exitProcess);
    }

    /** @param encryption the opened {@code encryption:} section; the agent closes it when it stops */
    public static CollectorAgent start(CollectorConfig config, CollectorEncryption encryption, CollectorIdentity identity,
                                       URI server, Map<String, String> env, String version, String hostname, Clock clock)
            throws IOException {
        return start(config, encryption, identity, server, env, version, hostname, clock, Supervisor.Policy.DEFAULTS,
                Main::exitProcess);
    }

    /**
     * @param supervision how the spool writer and the shipper are restarted after an unexpected error
     * @param processExit ends the process when one of them keeps failing (the service manager then restarts it)
     */
    public static CollectorAgent start(CollectorConfig config, CollectorIdentity identity, URI server, Map<String, String> env,
                                String version, String hostname, Clock clock, Supervisor.Policy supervision,
                                IntConsumer processExit) throws IOException {
        return start(config, CollectorEncryption.open(config.encryption(), env, new SecureRandom()), identity, server, env,
                version, hostname, clock, supervision, processExit);
    }

    private static CollectorAgent start(CollectorConfig config, CollectorEncryption encryption, CollectorIdentity identity,
                                        URI server, Map<String, String> env, String version, String hostname, Clock clock,
                                        Supervisor.Policy supervision, IntConsumer processExit) throws IOException {
        Spool spool;
        try {
            spool = Spool.open(config.spool(), encryption.spoolCodec(), clock);
        } catch (IOException | RuntimeException e) {
            encryption.close();
            throw e;
        }
        QueryTextLedger texts = new QueryTextLedger(QueryTextLedger.DEFAULT_MAX_KEYS, CatalogSettings.DEFAULTS.textResendAfter());
        spool.listener(new QueryTextReceipts(texts, MAX_BATCHES_WITH_TEXTS));
        SpoolBatcher batcher = new SpoolBatcher(spool, config.batching(), version, clock, supervision, processExit).start();
        String credential = identity.credential();
        IngestClient client = new IngestClient(config.tls().newClient(config.shipping().connectTimeout()), server,
                () -> credential, config.shipping().requestTimeout(), version, clock);
        Shipper shipper = new Shipper("collector", spool, client,
                new Quarantine(config.quarantineDirectory(), config.shipping().quarantineMaxBytes(),
                        Quarantine.DEFAULT_MAX_BATCHES, clock, encryption.quarantineSealer()),
                config.shipping(), new SecureRandom(), Thread.ofPlatform().daemon(), supervision, processExit).start();
        List<CollectionScheduler> schedulers = schedulers(config, env, batcher, texts, clock);
        HealthReporter health = new HealthReporter(spool, batcher, shipper,
                () -> timings(schedulers), batcher, clock, config.healthInterval()).start();
        schedulers.forEach(CollectionScheduler::start);
        LOG.info("collector {} started: {} targets, shipping to {}, spool {} ({})", identity.collectorId(),
                config.targets().size(), server, config.spool().directory(),
                encryption.enabled() ? "sealed" : "not encrypted");
        return new CollectorAgent(encryption, spool, batcher, shipper, health, schedulers);
    }

    /**
     * One scheduler per distinct set of interval overrides and timeouts (the scheduler's intervals and connection
     * settings are its own, so targets with their own overrides get their own scheduler); the configured threads are
     * shared out between them.
     */
    private static List<CollectionScheduler> schedulers(CollectorConfig config, Map<String, String> env,
                                                        SpoolBatcher batcher, QueryTextLedger texts, Clock clock) {
        Map<Map.Entry<Map<String, Duration>, ConnectionSettings>, List<TargetSpec>> groups = new LinkedHashMap<>();
        for (TargetConfig target : config.targets()) {
            Map<String, Duration> intervals = new TreeMap<>(config.intervals());
            intervals.putAll(target.intervals());
            groups.computeIfAbsent(Map.entry(intervals, target.connectionSettings()), k -> new ArrayList<>())
                    .add(target.toTargetSpec(env));
        }
        CatalogSettings catalog = new CatalogSettings(config.statementsTopN(), CatalogSettings.DEFAULTS.maxTablesPerDatabase(),
                CatalogSettings.DEFAULTS.maxIndexesPerDatabase(), CatalogSettings.DEFAULTS.vacuumTablesPerDatabase(),
                CatalogSettings.DEFAULTS.maxQueryTextLength(), CatalogSettings.DEFAULTS.textResendAfter(),
                CatalogSettings.DEFAULTS.settingsResendAfter());
        ScheduleSettings base = ScheduleSettings.DEFAULTS;
        ScheduleSettings withCatalog = new ScheduleSettings(base.intervals(), base.disabled(), base.connections(), catalog,
                base.initialBackoff(), base.maxBackoff(), base.reprobeEvery(), base.hostMetrics(), config.host());
        List<CollectionScheduler> schedulers = new ArrayList<>();
        int threadsLeft = config.threads();
        int groupsLeft = groups.size();
        for (Map.Entry<Map.Entry<Map<String, Duration>, ConnectionSettings>, List<TargetSpec>> group : groups.entrySet()) {
            int threads = Math.max(1, threadsLeft / groupsLeft);
            threadsLeft = Math.max(1, threadsLeft - threads);
            groupsLeft--;
            schedulers.add(new CollectionScheduler(group.getValue(), threads, batcher, clock,
                    withCatalog.withIntervals(group.getKey().getKey()).withConnections(group.getKey().getValue()), texts));
        }
        return schedulers;
    }

    /** The scheduler's figures per probed target and family. */
    static Map<TargetRef, List<FamilyTiming>> timings(List<CollectionScheduler> schedulers) {
        Map<TargetRef, List<FamilyTiming>> byTarget = new LinkedHashMap<>();
        for (CollectionScheduler scheduler : schedulers) {
            Map<String, TargetRef> refs = scheduler.targetRefs();
            for (FamilyRunStats s : scheduler.stats()) {
                TargetRef ref = refs.get(s.target());
                if (ref != null) {
                    byTarget.computeIfAbsent(ref, r -> new ArrayList<>()).add(
                            new FamilyTiming(s.family(), s.lastCycleMillis(), s.lastQueryMillis(), s.errors(), s.skippedTicks()));
                }
            }
        }
        return byTarget;
    }

    /** The collector-wide health figures now (spool, shipping, restarts of the supervised threads). */
    public Map<String, Object> healthFigures() {
        return health.collectorFigures();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops collecting, spools what was collected, stops shipping, closes the spool. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LOG.info("collector stopping: finishing collections, spooling pending snapshots");
        for (CollectionScheduler scheduler : schedulers) {
            try {
                scheduler.close();
            } catch (RuntimeException e) {
                LOG.error("collector stopping: scheduler did not stop cleanly", e);
            }
        }
        health.close();
        batcher.close();
        shipper.close();
        try {
            LOG.info("collector stopped; {} batches wait in the spool", spool.stats().pendingBatches());
            spool.close();
        } catch (IOException e) {
            LOG.error("collector stopping: closing the spool: {}", e.toString());
        }
        encryption.close();
        stopped.countDown();
    }
}
