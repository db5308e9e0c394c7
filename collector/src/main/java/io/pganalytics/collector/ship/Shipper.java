package io.pganalytics.collector.ship;

import io.pganalytics.collector.schedule.Supervisor;
import io.pganalytics.collector.spool.Spool;
import io.pganalytics.collector.spool.SpooledBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;

/**
 * Sends the spool's oldest unacknowledged batch, one at a time, so that batches arrive in spool order (and so
 * in order per target). A batch leaves the spool only on a 2xx acknowledgement, or when the server refused it
 * (then it is quarantined). Failures are retried with capped exponential backoff and full jitter; 429 and 503
 * wait for the server's Retry-After. The shipping thread is supervised: an unexpected error is counted
 * ({@link #restarts()}) and shipping goes on after a backoff, or the process exits when it keeps failing
 * ({@link Supervisor}).
 */
public final class Shipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
    /**
     * How long the shipper waits for a batch before it looks again: an append or {@link #close()} wakes it sooner, so
     * this is only a safety net (thousands of simulated shippers polling twice a second cost the load generator a
     * quarter of its CPU).
     */
    private static final Duration POLL = Duration.ofSeconds(30);

    private final String name;
    private final Spool spool;
    private final IngestClient client;
    private final Quarantine quarantine;
    private final ShippingSettings settings;
    private final Backoff backoff;
    private final Thread thread;
    private final Supervisor supervisor;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram intervalLatency = new LatencyHistogram();
    private volatile boolean running = true;

    private long attempts;
    private long acknowledged;
    private long duplicates;
    private long quarantined;
    private long retryLater;
    private long failures;
    private long consecutiveFailures;
    private String lastError;

    /**
     * @param name    names the thread and the log lines ("collector", "sim-0042")
     * @param threads builds the shipping thread (platform for the agent, virtual for simulations)
     */
    public Shipper(String name, Spool spool, IngestClient client, Quarantine quarantine, ShippingSettings settings,
                   RandomGenerator random, Thread.Builder threads) {
        this(name, spool, client, quarantine, settings, random, threads, Supervisor.Policy.DEFAULTS,
                status -> LOG.error("shipper {}: cannot be kept running; no process exit hook is set", name));
    }

    /**
     * @param processExit ends the process when shipping keeps failing ({@link Supervisor})
     */
    public Shipper(String name, Spool spool, IngestClient client, Quarantine quarantine, ShippingSettings settings,
                   RandomGenerator random, Thread.Builder threads, Supervisor.Policy supervision, IntConsumer processExit) {
        this.name = name;
        this.spool = spool;
        this.client = client;
        this.quarantine = quarantine;
        this.settings = settings;
        this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap(), random);
        this.supervisor = new Supervisor("shipper " + name, supervision, processExit);
        this.thread = threads.name("shipper-" + name).unstarted(() -> supervisor.supervise(this::shipLoop));
    }

    public Shipper start() {
        thread.start();
        return this;
    }

    public synchronized ShipperStats stats() {
        return new ShipperStats(attempts, acknowledged, duplicates, quarantined, retryLater, failures,
                consecutiveFailures, lastError);
    }

    /** Quarantined batches deleted to keep the quarantine within its bounds, since start. */
    public long quarantineDropped() {
        return quarantine.droppedCount();
    }

    /** Times shipping was restarted after an unexpected error, since start. */
    public long restarts() {
        return supervisor.restarts();
    }

    /** Latencies of acknowledged sends since start. */
    public LatencyHistogram latency() {
        return latency;
    }

    /** Latencies of acknowledged sends since the previous call (for periodic health reports). */
    public LatencyHistogram takeIntervalLatency() {
        return intervalLatency.takeAndReset();
    }

    /** Stops after the request in flight, if any (it is bounded by the request timeout). */
    @Override
    public void close() {
        running = false;
        stop.countDown();
        supervisor.stop();
        spool.wakeReaders();
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(settings.requestTimeout().plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One run of shipping: returns when closed; an unexpected error escapes to the supervisor. */
    private void shipLoop() throws InterruptedException {
        int attempt = 0;
        while (running) {
            Optional<SpooledBatch> next;
            try {
                next = spool.awaitNext(POLL);
            } catch (IOException | IllegalStateException e) {
                if (!running) {
                    return;
                }
                recordFailure(0, "cannot read the spool: " + e);
                pause(backoff.delay(attempt++));
                continue;
            }
            if (next.isPresent()) {
                attempt = ship(next.get(), attempt);
            }
        }
    }

    /** Sends one batch once and handles the outcome; returns the next backoff attempt number. */
    private int ship(SpooledBatch batch, int attempt) throws InterruptedException {
        long started = System.nanoTime();
        SendOutcome outcome = client.send(batch);
        synchronized (this) {
            attempts++;
        }
        try {
            switch (outcome) {
                case SendOutcome.Acknowledged ack -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    latency.record(took);
                    intervalLatency.record(took);
                    spool.acknowledge(batch.sequence());
                    recordAcknowledged(ack.ack().duplicate());
                    return 0;
                }
                case SendOutcome.Refused refused -> {
                    LOG.warn("shipper {}: target {}: batch {} refused by the server ({}); moved to quarantine {}",
                            name, batch.targetKey(), batch.batchId(), refused.message(), quarantine.directory());
                    quarantine.put(batch, refused.status(), refused.message());
                    spool.discard(batch.sequence());
                    synchronized (this) {
                        quarantined++;
                    }
                    return 0;
                }
                case SendOutcome.RetryLater later -> {
                    Duration wait = later.retryAfter() == null ? backoff.delay(attempt)
                            : min(later.retryAfter(), settings.maxRetryAfter());
                    synchronized (this) {
                        retryLater++;
                        consecutiveFailures++;
                        lastError = later.message();
                    }
                    LOG.info("shipper {}: server busy ({}); retrying batch {} in {} ms",
                            name, later.message(), batch.batchId(), wait.toMillis());
                    pause(wait);
                    return later.retryAfter() == null ? attempt + 1 : attempt;
                }
                case SendOutcome.Failed failed -> {
                    recordFailure(failed.status(), failed.message());
                    Duration wait = backoff.delay(attempt);
                    LOG.warn("shipper {}: batch {} not delivered (attempt {}): {}; retrying in {} ms",
                            name, batch.batchId(), attempt + 1, failed.message(), wait.toMillis());
                    pause(wait);
                    return attempt + 1;
                }
            }
        } catch (IOException e) {
            recordFailure(0, "spool or quarantine: " + e);
            LOG.error("shipper {}: batch {}: {}", name, batch.batchId(), e.toString());
            pause(backoff.delay(attempt));
            return attempt + 1;
        }
    }

    private synchronized void recordAcknowledged(boolean duplicate) {
        acknowledged++;
        if (duplicate) {
            duplicates++;
        }
        consecutiveFailures = 0;
    }

    private synchronized void recordFailure(int status, String message) {
        failures++;
        consecutiveFailures++;
        lastError = message;
    }

    /** Waits, waking early only on close (never by interrupt: that would close the spool's channels). */
    private void pause(Duration wait) throws InterruptedException {
        if (!wait.isZero() && !wait.isNegative()) {
            stop.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
