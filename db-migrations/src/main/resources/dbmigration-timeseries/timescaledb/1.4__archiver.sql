-- Generated from the metric catalogue by io.pganalytics.server.series.SeriesSchema.addedFamilyDdl for the timescaledb dialect: family archiver. Do not edit: change the catalogue and add a migration.

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
);
CREATE INDEX archiver_instance_time ON ts.archiver (instance_id, collected_at DESC);
SELECT create_hypertable('ts.archiver', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.archiver SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.archiver', INTERVAL '2 days');
SELECT add_retention_policy('ts.archiver', INTERVAL '14 days');
SELECT alter_job(j.job_id, next_start => now() + j.schedule_interval * 0.114) FROM timescaledb_information.jobs j WHERE j.proc_name = 'policy_compression' AND j.hypertable_schema = 'ts' AND j.hypertable_name = 'archiver';
SELECT alter_job(j.job_id, next_start => now() + j.schedule_interval * 0.757) FROM timescaledb_information.jobs j WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = 'ts' AND j.hypertable_name = 'archiver';
