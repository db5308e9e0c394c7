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
 * <p>
 * The Retry-After is spread at random over the time this node needs to write what was turned away (the batches
 * refused over the last seconds divided by the batches written per second, at least 2 s, at most a minute). A fixed
 * delay brings every refused collector back at the same moment: under 5,000 simulated collectors that made ten
 * refused requests per stored batch, and their TLS handshakes and authentication ate the CPU the writes needed.
 */
final class WriteGate {
    private final Semaphore writers;
    private final int capacity;
    private final Duration wait;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Rates rates = new Rates();

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
        rates.written();
    }

    int waiting() {
        return waiting.get();
    }

    int busyWriters(int total) {
        return total - writers.availablePermits();
    }

    private ApiException busy() {
        rates.refused();
        return ApiException.rateLimited("this node is writing as fast as it can: retry this batch later", rates.retryAfter());
    }

    /** Batches written and refused over a sliding window of two 2-second halves. */
    static final class Rates {
        private static final long HALF = 2_000_000_000L;
        private static final long MIN_SECONDS = 2;
        private static final long MAX_SECONDS = 60;
        private long halfStart = System.nanoTime();
        private long written;
        private long refused;
        private long previousWritten;
        private long previousRefused;

        synchronized void written() {
            roll();
            written++;
        }

        synchronized void refused() {
            roll();
            refused++;
        }

        /** A delay drawn evenly from [2 s, the time to write the refused backlog]. */
        synchronized Duration retryAfter() {
            roll();
            double seconds = (System.nanoTime() - halfStart) / 1e9 + HALF / 1e9;
            double writtenPerSecond = Math.max(1.0, (written + previousWritten) / seconds);
            long spread = Math.round((refused + previousRefused) / writtenPerSecond);
            long upper = Math.max(MIN_SECONDS, Math.min(MAX_SECONDS, spread));
            return Duration.ofSeconds(java.util.concurrent.ThreadLocalRandom.current().nextLong(MIN_SECONDS, upper + 1));
        }

        private void roll() {
            long now = System.nanoTime();
            if (now - halfStart >= HALF) {
                boolean skippedOne = now - halfStart >= 2 * HALF;
                previousWritten = skippedOne ? 0 : written;
                previousRefused = skippedOne ? 0 : refused;
                written = 0;
                refused = 0;
                halfStart = now;
            }
        }
    }
}
