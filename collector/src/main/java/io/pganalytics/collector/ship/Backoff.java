package io.pganalytics.collector.ship;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the wait before retry {@code n} (0-based) is uniform in
 * {@code [0, min(cap, base * 2^n)]}, so that many collectors failing together do not retry together.
 */
final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;

    Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseMillis = Math.max(1, base.toMillis());
        this.capMillis = Math.max(baseMillis, cap.toMillis());
        this.random = random;
    }

    Duration delay(int attempt) {
        int shift = Math.min(Math.max(attempt, 0), 40);
        long ceiling = baseMillis > (capMillis >> shift) ? capMillis : Math.min(capMillis, baseMillis << shift);
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    Duration cap() {
        return Duration.ofMillis(capMillis);
    }
}
