package io.pganalytics.server.alerting.context;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A value loaded from the database and kept on this node until it is invalidated (a change here or a notice from
 * another node) or older than its time to live. A load that overlapped an invalidation is used once but not kept.
 */
final class Cached<T> {
    private record Entry<T>(T value, long loadedAt) {
    }

    private final Supplier<T> loader;
    private final long ttlNanos;
    private final AtomicLong invalidations = new AtomicLong();
    private volatile Entry<T> entry;

    Cached(Supplier<T> loader, Duration ttl) {
        this.loader = loader;
        this.ttlNanos = ttl.toNanos();
    }

    T get() {
        Entry<T> current = entry;
        long now = System.nanoTime();
        if (current != null && now - current.loadedAt() < ttlNanos) {
            return current.value();
        }
        long generation = invalidations.get();
        T value = loader.get();
        if (invalidations.get() == generation) {
            entry = new Entry<>(value, now);
        }
        return value;
    }

    void invalidate() {
        invalidations.incrementAndGet();
        entry = null;
    }
}
