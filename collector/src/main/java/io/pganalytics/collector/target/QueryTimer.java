package io.pganalytics.collector.target;

import java.util.concurrent.atomic.AtomicLong;

/** Adds up the time a collection spends waiting on PostgreSQL, for the collector's health family. */
public final class QueryTimer {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    void add(long elapsedNanos) {
        nanos.addAndGet(elapsedNanos);
        statements.incrementAndGet();
    }

    public double totalMillis() {
        return nanos.get() / 1_000_000.0;
    }

    public long statements() {
        return statements.get();
    }
}
