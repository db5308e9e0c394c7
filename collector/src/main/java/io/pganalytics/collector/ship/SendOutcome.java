package io.pganalytics.collector.ship;

import io.pganalytics.common.wire.IngestAck;

import java.time.Duration;

/** What became of one attempt to send one batch. */
public sealed interface SendOutcome {
    /** 2xx with an {@link IngestAck} for this batch: committed (or already stored). */
    record Acknowledged(IngestAck ack) implements SendOutcome {
    }

    /** 429 or 503: try again after {@code retryAfter} (null when the server did not say). */
    record RetryLater(int status, Duration retryAfter, String message) implements SendOutcome {
    }

    /** A 4xx about this batch: it will never be accepted as it is. */
    record Refused(int status, String message) implements SendOutcome {
    }

    /** A network error, a 5xx, or a 4xx about the collector rather than the batch: retry with backoff. */
    record Failed(int status, String message) implements SendOutcome {
    }
}
