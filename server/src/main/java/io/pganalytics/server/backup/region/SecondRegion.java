package io.pganalytics.server.backup.region;

import com.hazelcast.core.HazelcastInstance;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.server.backup.BackupCatalog;
import io.pganalytics.server.backup.BackupConfig;
import io.pganalytics.server.backup.BackupContext;
import io.pganalytics.server.backup.BackupStore;
import io.pganalytics.server.backup.FileStore;
import io.pganalytics.server.cluster.JobLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The second region on this node: its store, the copy job run every {@code backup.second-region.copy-interval} (one node
 * at a time copies, the others measure), and its status. A round that fails (an unreachable endpoint, a full disk) is
 * reported in {@link #status()} and retried with a growing delay (doubling, at most {@link #MAX_BACKOFF} or the
 * interval when that is longer); it never reaches the rest of the server.
 */
public final class SecondRegion implements AutoCloseable {
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(SecondRegion.class);

    private final BackupStore store;
    private final SecondRegionCopier copier;
    private final Duration interval;
    private final Optional<JobLeases> leases;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closing;
    private int failures;

    SecondRegion(BackupStore primary, BackupStore store, Optional<BackupCatalog> catalog, Optional<JobLeases> leases, Duration interval, Clock clock,
                 SecondRegionCopier.Limits limits) {
        this.store = store;
        this.interval = interval;
        this.leases = leases;
        this.copier = new SecondRegionCopier(primary, store, catalog, leases, clock, limits);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pga-backup-second-region");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The second region {@code config.secondRegion()} describes, copying from {@code primary}; empty when none is configured.
     *
     * @param hazelcast   the cluster (one node copies); null on a node without one: this node copies
     * @param environment where the S3 credentials' variables are read
     */
    public static Optional<SecondRegion> open(BackupConfig config, BackupStore primary, BackupCatalog catalog, HazelcastInstance hazelcast,
                                              Clock clock, Map<String, String> environment) {
        return config.secondRegion().map(region -> new SecondRegion(primary, store(region, environment), Optional.of(catalog),
                Optional.ofNullable(hazelcast).map(h -> new JobLeases(h, config.leaseTtl())), region.copyInterval(), clock,
                SecondRegionCopier.Limits.DEFAULT));
    }

    /**
     * The same from an engine's context (the embedded engine opens it beside its primary {@link FileStore}).
     *
     * @param hazelcast the cluster (one node copies); null on a node without one
     */
    public static Optional<SecondRegion> open(BackupContext context, BackupStore primary, HazelcastInstance hazelcast) {
        return open(context.config(), primary, context.catalog(), hazelcast, context.clock(), context.environment());
    }

    /**
     * The second region's repository alone, for reading (the restore of a lost primary reads it as it would the primary):
     * a directory ({@link FileStore}) or a bucket ({@link S3Store}).
     */
    public static BackupStore store(BackupConfig.SecondRegion region, Map<String, String> environment) {
        if (region.path().isPresent()) {
            try {
                return new FileStore(region.path().get());
            } catch (IOException e) {
                throw new UncheckedIOException("backup.second-region.path " + region.path().get() + ": " + e.getMessage(), e);
            }
        }
        return S3Store.open(region, environment);
    }

    /** Starts copying: the first round at once, then every interval. */
    public void start() {
        LOG.info("second region {}: copies from the primary repository every {} (one node at a time)", store.location(), interval);
        scheduler.schedule(this::round, 0, TimeUnit.MILLISECONDS);
    }

    /** The second region's repository: what the copy job writes and the lost-region restore reads. */
    public BackupStore store() {
        return store;
    }

    /** The last round's view of the second region: reachable or its error, lag, bytes held, newest object. */
    public RepositoryStatus status() {
        return copier.status();
    }

    /** One round now, on the calling thread (tests; "copy now"); the status says how it went. */
    SecondRegionCopier.Round runOnce() throws IOException {
        return copier.runOnce(() -> !closing);
    }

    /** The scheduled round: its outcome decides when the next one runs; nothing escapes it. */
    private void round() {
        Duration next = interval;
        try {
            runOnce();
            if (failures > 0) {
                LOG.info("second region {}: reachable again after {} failed rounds", store.location(), failures);
            }
            failures = 0;
        } catch (Exception e) { // the job's root: a failed round is reported and retried, never thrown at the server
            failures++;
            next = backoff(interval, failures);
            if (failures == 1) {
                LOG.warn("second region {}: copy round failed ({}); retrying with backoff, next in {}", store.location(), e.getMessage(), next);
            } else {
                LOG.debug("second region {}: copy round {} failed ({}); next in {}", store.location(), failures, e.getMessage(), next);
            }
        } finally {
            if (!closing) {
                scheduler.schedule(this::round, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The delay after {@code failures} failed rounds in a row: the interval doubled per failure, capped. */
    static Duration backoff(Duration interval, int failures) {
        Duration cap = interval.compareTo(MAX_BACKOFF) > 0 ? interval : MAX_BACKOFF;
        Duration delay = interval.multipliedBy(1L << Math.min(failures, 16));
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("second region {}: the copy round did not stop within 30 s", store.location());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leases.ifPresent(JobLeases::close);
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) { // closing a client at shutdown: nothing left to protect
                LOG.debug("second region {}: store not closed cleanly ({})", store.location(), e.toString());
            }
        }
    }
}
