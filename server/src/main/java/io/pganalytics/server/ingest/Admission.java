package io.pganalytics.server.ingest;

import io.pganalytics.server.http.ApiException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backpressure at the door. A batch takes one of this node's places before its body is read and keeps it until it is
 * answered; there are {@code writers + queue-capacity} places, and the bodies of the admitted batches may inflate to
 * {@code max-admitted-bytes} together. Past either bound the collector is told to come back later (429 with
 * Retry-After); its spool keeps the batch, so nothing is lost and this node's memory stays bounded. A place holds no
 * database connection: the body is read and decoded under it, then the batch waits for a writer
 * ({@link GroupCommitter}).
 * <p>
 * One collector holds at most {@code max-places-per-collector} of the places: a credential holding many unfinished
 * uploads is told to come back later, alone, and the other collectors still find places.
 * <p>
 * The Retry-After is spread at random over the time this node needs to write what was turned away (the batches
 * refused over the last seconds divided by the batches written per second, at least 2 s, at most a minute). A fixed
 * delay brings every refused collector back at the same moment: under 5,000 simulated collectors that made ten
 * refused requests per stored batch, and their TLS handshakes and authentication ate the CPU the writes needed.
 */
final class Admission {
    private final int size;
    private final Semaphore places;
    private final int perCollector;
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> held = new java.util.concurrent.ConcurrentHashMap<>();
    private final long maxBytes;
    private final long maxBatchBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final Rates rates = new Rates();

    /**
     * @param places        batches admitted at once
     * @param perCollector  batches of one collector admitted at once
     * @param maxBytes      their inflated bytes together
     * @param maxBatchBytes one batch's inflated bytes: beyond it the decoder refuses the batch (413), not this budget
     */
    Admission(int places, int perCollector, long maxBytes, long maxBatchBytes) {
        this.size = places;
        this.places = new Semaphore(places);
        this.perCollector = perCollector;
        this.maxBytes = maxBytes;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** Takes a place for the collector's batch or throws 429; the caller closes the place once the batch was answered. */
    Place admit(String collectorId) {
        boolean[] taken = new boolean[1];
        held.compute(collectorId, (id, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < perCollector;
            return taken[0] ? now + 1 : count;
        });
        if (!taken[0]) {
            // not the node's backlog: a refusal that must not lengthen the other collectors' Retry-After
            throw ApiException.rateLimited("collector " + collectorId + " already has " + perCollector
                    + " batches on this node (ingest.max-places-per-collector): send the next when one was answered",
                    rates.retryAfter());
        }
        if (!places.tryAcquire()) {
            release(collectorId);
            throw busy("this node holds as many batches as it may (" + size + "): retry this batch later");
        }
        return new Place(collectorId);
    }

    private void release(String collectorId) {
        held.computeIfPresent(collectorId, (id, count) -> count <= 1 ? null : count - 1);
    }

    /** A batch left the writers (stored or found a duplicate): the rate Retry-After is computed from. */
    void written() {
        rates.written();
    }

    /** Counts a refusal decided elsewhere (no writer within ingest.queue-wait) and returns the 429 to throw. */
    ApiException busy(String message) {
        rates.refused();
        return ApiException.rateLimited(message, rates.retryAfter());
    }

    int admitted() {
        return size - places.availablePermits();
    }

    long admittedBytes() {
        return bytes.get();
    }

    /** One admitted batch's share of the node: its place and the inflated bytes its body was charged. */
    final class Place implements AutoCloseable {
        private final String collectorId;
        private long charged;
        private boolean closed;

        private Place(String collectorId) {
            this.collectorId = collectorId;
        }

        /** The body, charged against the node's byte budget as it inflates; past the budget a read throws 429. */
        InputStream meter(InputStream body) {
            return new FilterInputStream(body) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        charge(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        charge(n);
                    }
                    return n;
                }
            };
        }

        private void charge(int n) throws IOException {
            charged += n;
            long total = bytes.addAndGet(n);
            // a batch too large for any budget gets the decoder's 413 on this same read, not a 429 to retry forever
            if (total > maxBytes && charged <= maxBatchBytes) {
                // BatchDecoder answers with the cause of an IOException that carries an ApiException
                throw new IOException("over ingest.max-admitted-bytes", busy("this node holds " + total
                        + " bytes of batches, more than ingest.max-admitted-bytes (" + maxBytes + "): retry this batch later"));
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            bytes.addAndGet(-charged);
            places.release();
            release(collectorId);
        }
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
