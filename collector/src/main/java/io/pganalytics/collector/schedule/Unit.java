package io.pganalytics.collector.schedule;

import io.pganalytics.collector.catalog.FamilyCollector;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One family on one target: what the scheduler ticks, with its counters. */
final class Unit {
    final TargetRuntime target;
    final FamilyCollector collector;
    final Duration interval;
    /** Set from the tick that enqueues a collection until that collection finished: no overlap, no queueing. */
    final AtomicBoolean busy = new AtomicBoolean();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final AtomicLong runs = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong deferred = new AtomicLong();
    final Backoff backoff;
    volatile double lastCycleMillis;
    volatile double lastQueryMillis;
    volatile Instant lastRunAt;
    volatile String lastError;

    Unit(TargetRuntime target, FamilyCollector collector, Duration interval, Backoff backoff) {
        this.target = target;
        this.collector = collector;
        this.interval = interval;
        this.backoff = backoff;
    }

    String name() {
        return collector.family().name();
    }

    FamilyRunStats stats() {
        return new FamilyRunStats(target.spec.name(), name(), runs.get(), errors.get(), skipped.get(), deferred.get(),
                lastCycleMillis, lastQueryMillis, maxConcurrent.get(), lastRunAt, lastError);
    }
}
