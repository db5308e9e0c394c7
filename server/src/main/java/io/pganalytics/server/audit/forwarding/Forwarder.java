package io.pganalytics.server.audit.forwarding;

import io.pganalytics.server.audit.StoredRecord;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Forwards one destination: while this node holds the destination's lease, reads the records after the durable
 * position, sends them, and moves the position after the destination took them. A failed batch is sent again after
 * a wait that doubles from {@code retry-initial} up to {@code retry-max}; nothing is skipped, so a destination that
 * keeps refusing holds its position and its lag grows (watch {@code GET /audit/forwarding} and the lag metrics).
 */
final class Forwarder implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final ForwardingConfig.Destination destination;
    private final Sender sender;
    private final ForwardPositions positions;
    private final JobLeases leases;
    private final String node;
    private final MetricsRegistry.Counter forwarded;
    private final MetricsRegistry.Counter failures;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean running = true;
    private int failuresInARow;

    Forwarder(ForwardingConfig.Destination destination, Sender sender, ForwardPositions positions, JobLeases leases, String node,
              MetricsRegistry.Counter forwarded, MetricsRegistry.Counter failures) {
        this.destination = destination;
        this.sender = sender;
        this.positions = positions;
        this.leases = leases;
        this.node = node;
        this.forwarded = forwarded;
        this.failures = failures;
    }

    static String job(String destination) {
        return "audit-forward:" + destination;
    }

    @Override
    public void run() {
        while (running) {
            Optional<JobLeases.Lease> lease;
            try {
                lease = leases.tryAcquire(job(destination.name()));
            } catch (RuntimeException e) { // the cluster is stopping or unreachable: try again after the poll interval
                LOG.warn("audit forwarding {}: cannot take its lease: {}", destination.name(), e.toString());
                lease = Optional.empty();
            }
            if (lease.isEmpty()) {
                pause(destination.pollInterval());
                continue;
            }
            try (JobLeases.Lease held = lease.get()) {
                LOG.info("audit forwarding {}: this node forwards to {}", destination.name(), destination.target());
                forward(held);
            } catch (RuntimeException e) { // the thread's root: a database error; the next round starts over
                LOG.error("audit forwarding {}: {}", destination.name(), e.toString(), e);
                pause(destination.retryInitial());
            } finally {
                sender.close();
            }
        }
    }

    private void forward(JobLeases.Lease lease) {
        long position = positions.position(destination.name(), destination.kind());
        while (running && lease.held()) {
            List<StoredRecord> batch = positions.after(position, destination.batchSize());
            if (batch.isEmpty()) {
                pause(destination.pollInterval());
                continue;
            }
            if (deliver(batch)) {
                long last = batch.get(batch.size() - 1).seq();
                positions.advance(destination.name(), last, batch.size(), node);
                forwarded.add(batch.size(), destination.name());
                position = last;
            }
        }
    }

    /** One attempt; after a failure, waits its backoff and answers false (the same records are read and sent again). */
    private boolean deliver(List<StoredRecord> batch) {
        try {
            sender.send(batch);
            if (failuresInARow > 0) {
                LOG.info("audit forwarding {}: delivering again after {} failed attempts", destination.name(), failuresInARow);
            }
            failuresInARow = 0;
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            failuresInARow++;
            failures.inc(destination.name());
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            Duration wait = backoff(failuresInARow, destination.retryInitial(), destination.retryMax());
            if (failuresInARow == 1 || Integer.bitCount(failuresInARow) == 1) { // logged at 1, 2, 4, 8... failures in a row
                LOG.warn("audit forwarding {}: records {} to {} not delivered to {} ({} failed attempts in a row; next in {}): {}",
                        destination.name(), batch.get(0).seq(), batch.get(batch.size() - 1).seq(), destination.target(),
                        failuresInARow, wait, error);
            }
            positions.failed(destination.name(), error, node);
            pause(wait);
            return false;
        }
    }

    /** {@code initial * 2^(failures-1)}, at most {@code max}. */
    static Duration backoff(int failures, Duration initial, Duration max) {
        int doublings = Math.min(failures - 1, 30);
        long millis = initial.toMillis() << doublings;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    private void pause(Duration duration) {
        lock.lock();
        try {
            if (running) {
                wake.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        running = false;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    ForwardingConfig.Destination destination() {
        return destination;
    }
}
