package io.pganalytics.collector.ship;

/**
 * The shipper's counters since start.
 *
 * @param attempts            requests sent (every retry counts)
 * @param acknowledged        batches acknowledged by the server
 * @param duplicates          of those, batches the server had already stored
 * @param quarantined         batches the server refused (moved to quarantine)
 * @param retryLater          429/503 answers
 * @param failures            network errors, 5xx and collector-level 4xx answers
 * @param consecutiveFailures failed attempts since the last success
 * @param lastError           the last failure's description, or null
 */
public record ShipperStats(long attempts,
                           long acknowledged,
                           long duplicates,
                           long quarantined,
                           long retryLater,
                           long failures,
                           long consecutiveFailures,
                           String lastError) {
}
