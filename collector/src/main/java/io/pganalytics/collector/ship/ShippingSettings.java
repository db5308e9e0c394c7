package io.pganalytics.collector.ship;

import java.time.Duration;

/**
 * How batches are sent.
 *
 * @param backoffBase        the first retry's ceiling; doubled per failed attempt
 * @param backoffCap         the largest wait between retries
 * @param maxRetryAfter      the longest Retry-After honoured (a longer one is clamped to this)
 * @param connectTimeout     TCP + TLS connect timeout
 * @param requestTimeout     the longest one ingest request may take
 * @param quarantineMaxBytes the most bytes of refused batches kept in the quarantine directory
 */
public record ShippingSettings(Duration backoffBase,
                               Duration backoffCap,
                               Duration maxRetryAfter,
                               Duration connectTimeout,
                               Duration requestTimeout,
                               long quarantineMaxBytes) {
    public static final ShippingSettings DEFAULTS = new ShippingSettings(Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(30), 64L * 1024 * 1024);

    public ShippingSettings {
        for (Duration d : new Duration[]{backoffBase, backoffCap, maxRetryAfter, connectTimeout, requestTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("shipping durations must be positive, got " + d);
            }
        }
        if (backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoff cap " + backoffCap + " is below the base " + backoffBase);
        }
        if (quarantineMaxBytes < 0) {
            throw new IllegalArgumentException("quarantine max bytes must not be negative, got " + quarantineMaxBytes);
        }
    }
}
