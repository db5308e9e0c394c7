package io.pganalytics.server.ingest;

import io.pganalytics.server.http.ApiException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backpressure: at most {@code writers} batches are written at once, at most {@code capacity} wait for a turn, and
 * none waits longer than {@code wait}. Past that the collector is told to come back later (429 with Retry-After); its
 * spool keeps the batch, so nothing is lost and this node's memory stays bounded.
 */
final class WriteGate {
    private final Semaphore writers;
    private final int capacity;
    private final Duration wait;
    private final AtomicInteger waiting = new AtomicInteger();

    WriteGate(int writers, int capacity, Duration wait) {
        this.writers = new Semaphore(writers, true);
        this.capacity = capacity;
        this.wait = wait;
    }

    /** Blocks for a writer's turn or throws 429; the caller must {@link #release()} after a successful return. */
    void acquire() {
        if (writers.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            throw busy();
        }
        try {
            if (!writers.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while waiting to write", Duration.ofSeconds(1));
        } finally {
            waiting.decrementAndGet();
        }
    }

    void release() {
        writers.release();
    }

    int waiting() {
        return waiting.get();
    }

    int busyWriters(int total) {
        return total - writers.availablePermits();
    }

    private ApiException busy() {
        return ApiException.rateLimited("this node is writing as fast as it can: retry this batch later", Duration.ofSeconds(2));
    }
}
