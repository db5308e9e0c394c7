package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.keys.RewrapView;
import io.pganalytics.server.cluster.JobLeases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The re-wrap job: re-seals every value of every registered {@link SealedColumn} that an older data key sealed with
 * the current one, so that the older key can be retired. A run is a row of {@code crypto_rewrap_run}; the node
 * holding the {@link JobLeases} lease {@value #LEASE} works on it, a batch per transaction (each value written with a
 * compare-and-set, the column's cursor and the progress in the same transaction), at most
 * {@code encryption.rewrap-rate} values a second. When that node stops, its lease expires or is released and the next
 * node's tick goes on from the cursors.
 */
final class RewrapJob implements AutoCloseable {
    static final String LEASE = "crypto.rewrap";
    static final Duration LEASE_TTL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(RewrapJob.class);
    private static final int PAGE_BATCHES = 20;
    private static final int FAILURES_BEFORE_GIVING_UP = 5;

    private final KeyService keys;
    private final Supplier<List<SealedColumn>> columns;
    private final SealedValueRepository values;
    private final RewrapRunRepository runs;
    private final JobLeases leases;
    private final String node;
    private final Clock clock;
    private final int rate;
    private final int batch;
    private final Duration tick;
    private final ScheduledExecutorService worker;
    private volatile boolean closing;
    private int failures;

    RewrapJob(KeyService keys, Supplier<List<SealedColumn>> columns, SealedValueRepository values, RewrapRunRepository runs,
              JobLeases leases, String node, Clock clock, int rate, int batch, Duration tick) {
        this.keys = keys;
        this.columns = columns;
        this.values = values;
        this.runs = runs;
        this.leases = leases;
        this.node = node;
        this.clock = clock;
        this.rate = rate;
        this.batch = batch;
        this.tick = tick;
        this.worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("pga-rewrap-" + node).factory());
    }

    void start() {
        worker.scheduleWithFixedDelay(this::scheduled, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts a run towards the current data key (or retargets the running one), and wakes the worker. */
    RewrapView request(String by) {
        return request(by, Jdbc.Then.nothing());
    }

    /** As {@link #request(String)}, running {@code then} in the run's transaction, before the commit. */
    RewrapView request(String by, Jdbc.Then<RewrapRunRepository.Started> then) {
        int target = keys.currentKeyId();
        long total = 0;
        for (SealedColumn column : columns.get()) {
            total += values.countOthers(column, target);
        }
        RewrapRunRepository.Run run = runs.startOrRetarget(target, total, by, clock.instant(), then);
        LOG.info("re-wrap: run {} towards data key {} ({} values under older keys), requested by {}", run.id(), target, total, by);
        if (!closing) {
            worker.execute(this::scheduled);
        }
        return run.view(clock.instant());
    }

    /** The running or last run; {@code idle} when it never ran. */
    RewrapView view() {
        return runs.latest().map(run -> run.view(clock.instant()))
                .orElse(new RewrapView("idle", null, null, null, 0, 0, 0, null, null));
    }

    /** The worker thread's root: every failure is logged here, and the next tick tries again. */
    private void scheduled() {
        if (closing) {
            return;
        }
        try {
            Optional<RewrapRunRepository.Run> running = runs.running();
            if (running.isEmpty()) {
                return;
            }
            Optional<JobLeases.Lease> lease = leases.tryAcquire(LEASE);
            if (lease.isEmpty()) {
                return;
            }
            try (JobLeases.Lease held = lease.get()) {
                work(held);
                failures = 0;
            }
        } catch (RuntimeException e) {
            failures++;
            LOG.warn("re-wrap: a step failed ({} in a row), trying again in {}: {}", failures, tick, e.toString());
            if (failures >= FAILURES_BEFORE_GIVING_UP) {
                runs.running().ifPresent(run -> runs.finish(run.id(), run.targetKey(), "failed", e.getMessage(), node, clock.instant()));
                failures = 0;
            }
        }
    }

    /** Works on the running run while this node holds the lease; returns when it is done, lost or retargeted. */
    private void work(JobLeases.Lease lease) {
        Throttle throttle = new Throttle(rate);
        while (lease.held() && !closing) {
            Optional<RewrapRunRepository.Run> running = runs.running();
            if (running.isEmpty()) {
                return;
            }
            RewrapRunRepository.Run run = running.get();
            if (keys.currentKeyId() != run.targetKey()) {
                keys.reloadCurrent();
                if (keys.currentKeyId() != run.targetKey()) {
                    throw new IllegalStateException("re-wrap: run " + run.id() + " targets data key " + run.targetKey()
                            + " but data key " + keys.currentKeyId() + " is current here");
                }
            }
            boolean complete = true;
            for (SealedColumn column : columns.get()) {
                if (!column(run, column, lease, throttle)) {
                    complete = false;
                    break;
                }
            }
            if (complete && runs.finish(run.id(), run.targetKey(), "done", skippedNote(run.id()), node, clock.instant())) {
                LOG.info("re-wrap: run {} done: every value is under data key {}", run.id(), run.targetKey());
                return;
            }
        }
    }

    /** Re-seals one column from its cursor; false when it stopped early (lease lost, closing, retargeted). */
    private boolean column(RewrapRunRepository.Run run, SealedColumn column, JobLeases.Lease lease, Throttle throttle) {
        String name = SealedValueRepository.where(column);
        String after = runs.cursor(run.id(), name);
        while (true) {
            List<SealedValueRepository.Sealed> page = values.page(column, run.targetKey(), after, batch * PAGE_BATCHES);
            if (page.isEmpty()) {
                return true;
            }
            for (int from = 0; from < page.size(); from += batch) {
                if (!lease.held() || closing) {
                    return false;
                }
                List<SealedValueRepository.Sealed> slice = page.subList(from, Math.min(page.size(), from + batch));
                if (!write(run, column, slice)) {
                    return false;
                }
                after = slice.get(slice.size() - 1).rowKey();
                throttle.passed(slice.size());
            }
        }
    }

    /** One transaction: every value re-sealed and written with a compare-and-set, the cursor and the progress. */
    private boolean write(RewrapRunRepository.Run run, SealedColumn column, List<SealedValueRepository.Sealed> slice) {
        String name = SealedValueRepository.where(column);
        long skipped = 0;
        try (Connection c = runs.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = SealedValueRepository.compareAndSet(c, column)) {
                int queued = 0;
                for (SealedValueRepository.Sealed value : slice) {
                    byte[] resealed;
                    try {
                        resealed = keys.seal(column.context(value.rowKey()), keys.open(column.context(value.rowKey()), value.value()));
                    } catch (CryptoException e) {
                        skipped++;
                        LOG.warn("re-wrap: skipped a value that does not open: {}", e.getMessage());
                        continue;
                    }
                    update.setBytes(1, resealed);
                    update.setString(2, value.ctid());
                    update.setBytes(3, value.value());
                    update.setString(4, value.rowKey());
                    update.addBatch();
                    queued++;
                }
                long written = 0;
                if (queued > 0) {
                    for (int count : update.executeBatch()) {
                        written += Math.max(0, count);
                    }
                }
                String last = slice.get(slice.size() - 1).rowKey();
                if (!RewrapRunRepository.recordBatch(c, run.id(), run.targetKey(), name, last, written, skipped, node)) {
                    c.rollback();
                    return false;
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("re-wrap: cannot write a batch of " + name + ": " + e.getMessage(), e);
        }
    }

    private String skippedNote(long runId) {
        return runs.latest().filter(run -> run.id() == runId && run.skipped() > 0)
                .map(run -> run.skipped() + " values did not open and were left as they are (the server log names each)")
                .orElse(null);
    }

    @Override
    public void close() {
        closing = true;
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps a run under {@code rate} values a second on average, sleeping between batches. */
    private final class Throttle {
        private final long started = System.nanoTime();
        private final int perSecond;
        private long passed;

        Throttle(int perSecond) {
            this.perSecond = perSecond;
        }

        void passed(int count) {
            passed += count;
            long due = started + passed * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0 && !closing) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closing = true;
                }
            }
        }
    }
}
