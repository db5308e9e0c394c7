package io.pganalytics.server.ingest;

import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit. Decoded batches wait here for one of this node's writers; a writer that is free takes every batch
 * already waiting (up to {@code group-max-batches} and {@code group-max-rows}) and writes them in one transaction
 * ({@link IngestWriter}). It never waits for more to arrive: a batch alone is a group of one, written at once. Each
 * batch's caller is answered on its own thread, after the commit.
 * <p>
 * When a group's transaction fails for a reason that may be one batch's (a constraint, a trigger, a deadlock), its
 * batches are written again one by one, so that only the batch the database refuses fails. When the database is out
 * of reach or too busy (a lock or statement timeout), every batch of the group fails at once: retrying each would
 * multiply the wait.
 * <p>
 * The queue needs no bound of its own: every batch in it holds one of the places of {@link Admission}.
 */
final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    private static final long NUDGE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final IngestWriter writer;
    private final int maxBatches;
    private final int maxRows;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();   // guarded by lock
    private int idleWriters;                                       // guarded by lock
    private boolean closed;                                        // guarded by lock
    private final AtomicInteger depth = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final MetricsRegistry.Histogram groupBatches;
    private final MetricsRegistry.Counter commitTimeouts;

    private GroupCommitter(IngestWriter writer, int maxBatches, int maxRows, MetricsRegistry metrics) {
        this.writer = writer;
        this.maxBatches = maxBatches;
        this.maxRows = maxRows;
        this.groupBatches = metrics.histogram("pganalytics_ingest_group_batches", "batches written per group transaction",
                new double[]{1, 2, 4, 8, 16, 32, 64, 128, 256});
        this.commitTimeouts = metrics.counter("pganalytics_ingest_commit_wait_timeouts_total",
                "requests answered 503 because their batch was not committed within ingest.commit-wait");
        metrics.gauge("pganalytics_ingest_queue_depth", "decoded batches waiting for a writer on this node", depth::get);
        metrics.gauge("pganalytics_ingest_writers_busy", "writers writing a group on this node", busy::get);
    }

    /** Starts {@code writers} writer threads, each writing one group at a time on one connection. */
    static GroupCommitter start(IngestWriter writer, int writers, int maxBatches, int maxRows, MetricsRegistry metrics) {
        GroupCommitter committer = new GroupCommitter(writer, maxBatches, maxRows, metrics);
        for (int i = 0; i < writers; i++) {
            committer.threads.add(Thread.ofPlatform().name("pga-ingest-writer-" + i).daemon().start(committer::run));
        }
        return committer;
    }

    /**
     * Queues the batch and waits for a writer to take it, at most {@code wait} while every writer is busy, then for
     * its commit, at most {@code commitWait} (then 503: the write goes on, and if it commits, the batch's retry is a
     * duplicate). Empty when no writer took it in time: nothing of it was written. Throws what the database answered
     * when the batch could not be stored.
     */
    Optional<IngestWriter.Result> write(IngestWriter.Pending batch, Duration wait, Duration commitWait) throws SQLException {
        Entry entry = new Entry(batch);
        lock.lock();
        try {
            if (closed) {
                throw ApiException.unavailable("this server node is shutting down: retry on another node", Duration.ofSeconds(1));
            }
            queue.addLast(entry);
            depth.incrementAndGet();
            arrived.signal();
        } finally {
            lock.unlock();
        }
        try {
            return awaitWriter(entry, wait) ? Optional.of(awaitCommit(entry, commitWait)) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(entry);
            throw ApiException.unavailable("interrupted while waiting for the batch's write: retry it", Duration.ofSeconds(1));
        }
    }

    /** True once a writer took the entry; false when it was withdrawn after waiting its time with every writer busy. */
    private boolean awaitWriter(Entry entry, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                entry.outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                switch (giveUp(entry)) {
                    case WITHDRAWN -> {
                        return false;
                    }
                    case TAKEN -> {
                        return true;
                    }
                    // the wait is for busy writers only: an idle one is about to take it
                    case SOON -> deadline = System.nanoTime() + NUDGE_NANOS;
                }
            } catch (ExecutionException e) {
                return true;
            }
        }
    }

    private IngestWriter.Result awaitCommit(Entry entry, Duration commitWait) throws InterruptedException, SQLException {
        try {
            return entry.outcome.get(commitWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            commitTimeouts.inc();
            throw ApiException.unavailable("batch " + entry.batch.batch().batchId() + " was not committed within " + commitWait
                    + " (ingest.commit-wait): retry it later (if it is stored meanwhile, the retry is answered as a duplicate)",
                    Duration.ofSeconds(5));
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case SQLException sql -> throw sql;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException("writing batch " + entry.batch.batch().batchId(), e.getCause());
            }
        }
    }

    private enum Pickup { TAKEN, WITHDRAWN, SOON }

    /** Withdraws an entry no writer took yet, unless a writer is idle (it is about to take it). */
    private Pickup giveUp(Entry entry) {
        lock.lock();
        try {
            if (entry.taken) {
                return Pickup.TAKEN;
            }
            if (idleWriters > 0) {
                arrived.signal();
                return Pickup.SOON;
            }
            withdraw(entry);
            return Pickup.WITHDRAWN;
        } finally {
            lock.unlock();
        }
    }

    private void withdraw(Entry entry) {
        lock.lock();
        try {
            if (!entry.taken && queue.remove(entry)) {
                depth.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Entry> group = take();
            if (group.isEmpty()) {
                return;
            }
            busy.incrementAndGet();
            try {
                write(group);
            } catch (RuntimeException | Error e) {
                // the writer's root: its callers must hear of it, and the writer must live on for the next group
                LOG.error("ingest: writing a group of {} batches failed unexpectedly", group.size(), e);
                group.forEach(entry -> entry.outcome.completeExceptionally(e));
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    /** The batches waiting, oldest first, within the group's bounds (a batch alone may exceed the rows); empty once closed. */
    private List<Entry> take() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return List.of();
                }
                idleWriters++;
                try {
                    arrived.awaitUninterruptibly();
                } finally {
                    idleWriters--;
                }
            }
            List<Entry> group = new ArrayList<>();
            long rows = 0;
            while (!queue.isEmpty() && group.size() < maxBatches) {
                int next = queue.peekFirst().batch.batch().rows();
                if (!group.isEmpty() && rows + next > maxRows) {
                    break;
                }
                Entry entry = queue.pollFirst();
                entry.taken = true;
                group.add(entry);
                rows += next;
            }
            depth.addAndGet(-group.size());
            return group;
        } finally {
            lock.unlock();
        }
    }

    private void write(List<Entry> group) {
        groupBatches.observe(group.size());
        try {
            List<IngestWriter.Result> results = writer.write(group.stream().map(e -> e.batch).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).outcome.complete(results.get(i));
            }
        } catch (SQLException e) {
            if (group.size() == 1 || !IngestWriter.mayConcernOneBatch(e)) {
                group.forEach(entry -> entry.outcome.completeExceptionally(e));
                return;
            }
            LOG.warn("ingest: a group of {} batches failed ({}): writing them one by one", group.size(), e.getMessage());
            for (Entry entry : group) {
                try {
                    entry.outcome.complete(writer.write(List.of(entry.batch)).getFirst());
                } catch (SQLException alone) {
                    entry.outcome.completeExceptionally(alone);
                }
            }
        }
    }

    int queued() {
        return depth.get();
    }

    int busyWriters() {
        return busy.get();
    }

    /** Lets the writers finish what is queued (new batches are refused with 503), then waits for them, at most {@code grace}. */
    void close(Duration grace) {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            try {
                if (!thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warn("ingest: writer {} still writing after {}: stopping anyway", thread.getName(), grace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private static final class Entry {
        final IngestWriter.Pending batch;
        final CompletableFuture<IngestWriter.Result> outcome = new CompletableFuture<>();
        boolean taken; // guarded by the committer's lock

        Entry(IngestWriter.Pending batch) {
            this.batch = batch;
        }
    }
}
