/**
 * {@code POST /api/v1/ingest}: collectors' batches land here. A batch first takes one of the node's bounded places
 * (429 with Retry-After beyond them: no queueing without bound), then its body is read and decoded under that place,
 * with no database connection held: bounded compressed and decompressed (a zip bomb is refused early), parsed one
 * snapshot at a time and validated against the metric catalogue, deduplicated by idempotency key (Hazelcast, backed
 * by the durable {@code ingest_batch} table). Writers take the batches waiting and write each group in one
 * transaction with one COPY per family (group commit). Each collector is acknowledged only after its group's commit;
 * then listeners (live stream, cache, heartbeats) hear of it.
 */
package io.pganalytics.server.ingest;
