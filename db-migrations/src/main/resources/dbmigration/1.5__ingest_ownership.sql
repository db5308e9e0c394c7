-- Issue 11, items 4 and 10: what a collector may write, and what it already wrote.

-- Batch ids are per collector: the idempotency key is (collector, batch id), so that one collector's batch id never
-- makes another collector's batch a "duplicate" (each collector draws its own ids).
ALTER TABLE ingest_batch DROP CONSTRAINT ingest_batch_pkey;
ALTER TABLE ingest_batch ADD CONSTRAINT ingest_batch_pkey PRIMARY KEY (collector_id, batch_id);

-- An instance belongs to the collector that first wrote it: monitored_instance.collector_id is its owner, and the
-- ingest refuses (403) another collector's rows for it. Deleting the owner (DELETE /api/v1/collectors/{id}) releases
-- its instances: the next collector to write one owns it.
COMMENT ON COLUMN monitored_instance.collector_id IS
    'the collector that owns the instance (the first to write it); others are refused until it is deleted';
