/**
 * Delivery of spooled batches to the server.
 * <p>
 * Owns: the HTTP client setup for the server (trusting a CA file, or, loudly, nothing), the ingest protocol
 * ({@code POST /api/v1/ingest}: gzip body, bearer credential, idempotency key, 200 + {@code IngestAck}),
 * retries with capped exponential backoff and full jitter, Retry-After on 429/503, the quarantine of batches
 * the server refuses, and send-latency figures. A batch is acknowledged in the spool only after a 2xx.
 */
package io.pganalytics.collector.ship;
