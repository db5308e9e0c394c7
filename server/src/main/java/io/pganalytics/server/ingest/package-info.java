/**
 * {@code POST /api/v1/ingest}: collectors' batches land here. The body is bounded compressed and decompressed (a zip
 * bomb is refused early), parsed one snapshot at a time and validated against the metric catalogue, deduplicated by
 * idempotency key (Hazelcast, backed by the durable {@code ingest_batch} table), and written with COPY, every family
 * of the batch in one transaction. The collector is acknowledged only after the commit; then listeners (live stream,
 * cache, heartbeats) hear of it. A node whose writers are all busy answers 429 with Retry-After instead of queueing
 * without bound.
 */
package io.pganalytics.server.ingest;
