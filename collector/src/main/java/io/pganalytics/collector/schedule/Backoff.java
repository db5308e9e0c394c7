package io.pganalytics.collector.schedule;

import java.time.Duration;
import java.time.Instant;

/** Exponential backoff after consecutive failures, capped; thread-safe. */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private int failures;
    private Instant until = Instant.MIN;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    synchronized boolean active(Instant now) {
        return now.isBefore(until);
    }

    /** Records a failure and returns the pause it starts. */
    synchronized Duration failed(Instant now) {
        failures++;
        Duration pause = initial.multipliedBy(1L << Math.min(failures - 1, 20));
        if (pause.compareTo(max) > 0) {
            pause = max;
        }
        until = now.plus(pause);
        return pause;
    }

    /** Returns how many failures the success ends. */
    synchronized int succeeded() {
        int ended = failures;
        failures = 0;
        until = Instant.MIN;
        return ended;
    }
}
