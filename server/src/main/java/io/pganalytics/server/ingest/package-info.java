/**
 * {@code POST /api/v1/ingest}: collectors' batches land here. A batch first takes one of the node's bounded places
 * (429 with Retry-After beyond them, or beyond one collector's share: no queueing without bound), then its body is
 * read and decoded under that place,
 * with no database connection held: bounded compressed and decompressed (a zip bomb is refused early), parsed one
 * snapshot at a time and validated against the metric catalogue, deduplicated by (collector, idempotency key) (Hazelcast,
 * backed by the durable {@code ingest_batch} table), and refused whole (409) when it carries an instance another
 * collector owns. Writers take the batches waiting and write each group in one
 * transaction with one COPY per family (group commit). Each collector is acknowledged only after its group's commit;
 * then listeners (live stream, cache, heartbeats) hear of it; their failures are counted and never fail the answer.
 * Permanent refusals are 4xx (400, 409, 413, 415), transient ones 429 or 503 with Retry-After.
 */
package io.pganalytics.server.ingest;
