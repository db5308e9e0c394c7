-- Generated from the metric catalogue by io.pganalytics.server.series.SeriesSchema.addedFamilyDdl for the plain dialect: family archiver. Do not edit: change the catalogue and add a migration.

CREATE TABLE ts.archiver (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    archive_mode text,
    archived_count bigint,
    last_archived_wal text,
    last_archived_time timestamptz,
    failed_count bigint,
    last_failed_wal text,
    last_failed_time timestamptz,
    stats_reset timestamptz,
    current_wal text,
    archive_timeout_seconds double precision,
    in_recovery boolean
) PARTITION BY RANGE (collected_at);
CREATE INDEX archiver_instance_time ON ts.archiver (instance_id, collected_at DESC);
CREATE INDEX archiver_time_brin ON ts.archiver USING brin (collected_at);
