-- Generated from the metric catalogue (revision 1) by io.pganalytics.server.series.SeriesSchema for the timescaledb dialect. Do not edit: change the catalogue and add a migration.

CREATE TABLE ts.instance (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    server_version text,
    server_version_num bigint,
    start_time timestamptz,
    uptime_seconds double precision,
    in_recovery boolean,
    conf_load_time timestamptz,
    max_connections bigint,
    connections bigint,
    wal_lsn_bytes bigint,
    timeline_id bigint
);
CREATE INDEX instance_instance_time ON ts.instance (instance_id, collected_at DESC);
SELECT create_hypertable('ts.instance', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.instance SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.instance', INTERVAL '2 days');
SELECT add_retention_policy('ts.instance', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.instance_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       last(server_version, collected_at) AS server_version_last,
       last(server_version_num, collected_at) AS server_version_num_last,
       last(start_time, collected_at) AS start_time_last,
       avg(uptime_seconds) AS uptime_seconds_avg,
       min(uptime_seconds) AS uptime_seconds_min,
       max(uptime_seconds) AS uptime_seconds_max,
       last(uptime_seconds, collected_at) AS uptime_seconds_last,
       last(in_recovery, collected_at) AS in_recovery_last,
       last(conf_load_time, collected_at) AS conf_load_time_last,
       avg(max_connections) AS max_connections_avg,
       min(max_connections) AS max_connections_min,
       max(max_connections) AS max_connections_max,
       last(max_connections, collected_at) AS max_connections_last,
       avg(connections) AS connections_avg,
       min(connections) AS connections_min,
       max(connections) AS connections_max,
       last(connections, collected_at) AS connections_last,
       avg(wal_lsn_bytes) AS wal_lsn_bytes_avg,
       min(wal_lsn_bytes) AS wal_lsn_bytes_min,
       max(wal_lsn_bytes) AS wal_lsn_bytes_max,
       last(wal_lsn_bytes, collected_at) AS wal_lsn_bytes_last,
       avg(timeline_id) AS timeline_id_avg,
       min(timeline_id) AS timeline_id_min,
       max(timeline_id) AS timeline_id_max,
       last(timeline_id, collected_at) AS timeline_id_last
FROM ts.instance
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.instance_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.instance_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       last(server_version_last, bucket) AS server_version_last,
       last(server_version_num_last, bucket) AS server_version_num_last,
       last(start_time_last, bucket) AS start_time_last,
       sum(uptime_seconds_avg * samples) / nullif(sum(CASE WHEN uptime_seconds_avg IS NOT NULL THEN samples END), 0) AS uptime_seconds_avg,
       min(uptime_seconds_min) AS uptime_seconds_min,
       max(uptime_seconds_max) AS uptime_seconds_max,
       last(uptime_seconds_last, bucket) AS uptime_seconds_last,
       last(in_recovery_last, bucket) AS in_recovery_last,
       last(conf_load_time_last, bucket) AS conf_load_time_last,
       sum(max_connections_avg * samples) / nullif(sum(CASE WHEN max_connections_avg IS NOT NULL THEN samples END), 0) AS max_connections_avg,
       min(max_connections_min) AS max_connections_min,
       max(max_connections_max) AS max_connections_max,
       last(max_connections_last, bucket) AS max_connections_last,
       sum(connections_avg * samples) / nullif(sum(CASE WHEN connections_avg IS NOT NULL THEN samples END), 0) AS connections_avg,
       min(connections_min) AS connections_min,
       max(connections_max) AS connections_max,
       last(connections_last, bucket) AS connections_last,
       sum(wal_lsn_bytes_avg * samples) / nullif(sum(CASE WHEN wal_lsn_bytes_avg IS NOT NULL THEN samples END), 0) AS wal_lsn_bytes_avg,
       min(wal_lsn_bytes_min) AS wal_lsn_bytes_min,
       max(wal_lsn_bytes_max) AS wal_lsn_bytes_max,
       last(wal_lsn_bytes_last, bucket) AS wal_lsn_bytes_last,
       sum(timeline_id_avg * samples) / nullif(sum(CASE WHEN timeline_id_avg IS NOT NULL THEN samples END), 0) AS timeline_id_avg,
       min(timeline_id_min) AS timeline_id_min,
       max(timeline_id_max) AS timeline_id_max,
       last(timeline_id_last, bucket) AS timeline_id_last
FROM ts.instance_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.instance_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.settings (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    name text,
    setting text,
    unit text,
    source text,
    pending_restart boolean
);
CREATE INDEX settings_instance_time ON ts.settings (instance_id, collected_at DESC);
SELECT create_hypertable('ts.settings', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.settings SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.settings', INTERVAL '2 days');
SELECT add_retention_policy('ts.settings', INTERVAL '14 days');

CREATE TABLE ts.database (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    numbackends bigint,
    xact_commit bigint,
    xact_rollback bigint,
    blks_read bigint,
    blks_hit bigint,
    tup_returned bigint,
    tup_fetched bigint,
    tup_inserted bigint,
    tup_updated bigint,
    tup_deleted bigint,
    conflicts bigint,
    temp_files bigint,
    temp_bytes bigint,
    deadlocks bigint,
    checksum_failures bigint,
    blk_read_time double precision,
    blk_write_time double precision,
    session_time double precision,
    active_time double precision,
    idle_in_transaction_time double precision,
    sessions bigint,
    sessions_abandoned bigint,
    sessions_fatal bigint,
    sessions_killed bigint,
    size_bytes bigint,
    datfrozenxid_age bigint,
    datminmxid_age bigint,
    stats_reset timestamptz
);
CREATE INDEX database_instance_time ON ts.database (instance_id, collected_at DESC);
SELECT create_hypertable('ts.database', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.database SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.database', INTERVAL '2 days');
SELECT add_retention_policy('ts.database', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.database_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       avg(numbackends) AS numbackends_avg,
       min(numbackends) AS numbackends_min,
       max(numbackends) AS numbackends_max,
       last(numbackends, collected_at) AS numbackends_last,
       sum(xact_commit)::bigint AS xact_commit,
       sum(xact_rollback)::bigint AS xact_rollback,
       sum(blks_read)::bigint AS blks_read,
       sum(blks_hit)::bigint AS blks_hit,
       sum(tup_returned)::bigint AS tup_returned,
       sum(tup_fetched)::bigint AS tup_fetched,
       sum(tup_inserted)::bigint AS tup_inserted,
       sum(tup_updated)::bigint AS tup_updated,
       sum(tup_deleted)::bigint AS tup_deleted,
       sum(conflicts)::bigint AS conflicts,
       sum(temp_files)::bigint AS temp_files,
       sum(temp_bytes)::bigint AS temp_bytes,
       sum(deadlocks)::bigint AS deadlocks,
       sum(checksum_failures)::bigint AS checksum_failures,
       sum(blk_read_time) AS blk_read_time,
       sum(blk_write_time) AS blk_write_time,
       sum(session_time) AS session_time,
       sum(active_time) AS active_time,
       sum(idle_in_transaction_time) AS idle_in_transaction_time,
       sum(sessions)::bigint AS sessions,
       sum(sessions_abandoned)::bigint AS sessions_abandoned,
       sum(sessions_fatal)::bigint AS sessions_fatal,
       sum(sessions_killed)::bigint AS sessions_killed,
       avg(size_bytes) AS size_bytes_avg,
       min(size_bytes) AS size_bytes_min,
       max(size_bytes) AS size_bytes_max,
       last(size_bytes, collected_at) AS size_bytes_last,
       avg(datfrozenxid_age) AS datfrozenxid_age_avg,
       min(datfrozenxid_age) AS datfrozenxid_age_min,
       max(datfrozenxid_age) AS datfrozenxid_age_max,
       last(datfrozenxid_age, collected_at) AS datfrozenxid_age_last,
       avg(datminmxid_age) AS datminmxid_age_avg,
       min(datminmxid_age) AS datminmxid_age_min,
       max(datminmxid_age) AS datminmxid_age_max,
       last(datminmxid_age, collected_at) AS datminmxid_age_last,
       last(stats_reset, collected_at) AS stats_reset_last
FROM ts.database
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.database_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.database_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       sum(numbackends_avg * samples) / nullif(sum(CASE WHEN numbackends_avg IS NOT NULL THEN samples END), 0) AS numbackends_avg,
       min(numbackends_min) AS numbackends_min,
       max(numbackends_max) AS numbackends_max,
       last(numbackends_last, bucket) AS numbackends_last,
       sum(xact_commit)::bigint AS xact_commit,
       sum(xact_rollback)::bigint AS xact_rollback,
       sum(blks_read)::bigint AS blks_read,
       sum(blks_hit)::bigint AS blks_hit,
       sum(tup_returned)::bigint AS tup_returned,
       sum(tup_fetched)::bigint AS tup_fetched,
       sum(tup_inserted)::bigint AS tup_inserted,
       sum(tup_updated)::bigint AS tup_updated,
       sum(tup_deleted)::bigint AS tup_deleted,
       sum(conflicts)::bigint AS conflicts,
       sum(temp_files)::bigint AS temp_files,
       sum(temp_bytes)::bigint AS temp_bytes,
       sum(deadlocks)::bigint AS deadlocks,
       sum(checksum_failures)::bigint AS checksum_failures,
       sum(blk_read_time) AS blk_read_time,
       sum(blk_write_time) AS blk_write_time,
       sum(session_time) AS session_time,
       sum(active_time) AS active_time,
       sum(idle_in_transaction_time) AS idle_in_transaction_time,
       sum(sessions)::bigint AS sessions,
       sum(sessions_abandoned)::bigint AS sessions_abandoned,
       sum(sessions_fatal)::bigint AS sessions_fatal,
       sum(sessions_killed)::bigint AS sessions_killed,
       sum(size_bytes_avg * samples) / nullif(sum(CASE WHEN size_bytes_avg IS NOT NULL THEN samples END), 0) AS size_bytes_avg,
       min(size_bytes_min) AS size_bytes_min,
       max(size_bytes_max) AS size_bytes_max,
       last(size_bytes_last, bucket) AS size_bytes_last,
       sum(datfrozenxid_age_avg * samples) / nullif(sum(CASE WHEN datfrozenxid_age_avg IS NOT NULL THEN samples END), 0) AS datfrozenxid_age_avg,
       min(datfrozenxid_age_min) AS datfrozenxid_age_min,
       max(datfrozenxid_age_max) AS datfrozenxid_age_max,
       last(datfrozenxid_age_last, bucket) AS datfrozenxid_age_last,
       sum(datminmxid_age_avg * samples) / nullif(sum(CASE WHEN datminmxid_age_avg IS NOT NULL THEN samples END), 0) AS datminmxid_age_avg,
       min(datminmxid_age_min) AS datminmxid_age_min,
       max(datminmxid_age_max) AS datminmxid_age_max,
       last(datminmxid_age_last, bucket) AS datminmxid_age_last,
       last(stats_reset_last, bucket) AS stats_reset_last
FROM ts.database_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.database_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.activity (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    total bigint,
    active bigint,
    idle bigint,
    idle_in_transaction bigint,
    idle_in_transaction_aborted bigint,
    waiting bigint,
    lock_waiting bigint,
    longest_transaction_seconds double precision,
    longest_query_seconds double precision,
    longest_idle_in_transaction_seconds double precision,
    oldest_xmin_age bigint
);
CREATE INDEX activity_instance_time ON ts.activity (instance_id, collected_at DESC);
SELECT create_hypertable('ts.activity', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.activity SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.activity', INTERVAL '2 days');
SELECT add_retention_policy('ts.activity', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.activity_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       avg(total) AS total_avg,
       min(total) AS total_min,
       max(total) AS total_max,
       last(total, collected_at) AS total_last,
       avg(active) AS active_avg,
       min(active) AS active_min,
       max(active) AS active_max,
       last(active, collected_at) AS active_last,
       avg(idle) AS idle_avg,
       min(idle) AS idle_min,
       max(idle) AS idle_max,
       last(idle, collected_at) AS idle_last,
       avg(idle_in_transaction) AS idle_in_transaction_avg,
       min(idle_in_transaction) AS idle_in_transaction_min,
       max(idle_in_transaction) AS idle_in_transaction_max,
       last(idle_in_transaction, collected_at) AS idle_in_transaction_last,
       avg(idle_in_transaction_aborted) AS idle_in_transaction_aborted_avg,
       min(idle_in_transaction_aborted) AS idle_in_transaction_aborted_min,
       max(idle_in_transaction_aborted) AS idle_in_transaction_aborted_max,
       last(idle_in_transaction_aborted, collected_at) AS idle_in_transaction_aborted_last,
       avg(waiting) AS waiting_avg,
       min(waiting) AS waiting_min,
       max(waiting) AS waiting_max,
       last(waiting, collected_at) AS waiting_last,
       avg(lock_waiting) AS lock_waiting_avg,
       min(lock_waiting) AS lock_waiting_min,
       max(lock_waiting) AS lock_waiting_max,
       last(lock_waiting, collected_at) AS lock_waiting_last,
       avg(longest_transaction_seconds) AS longest_transaction_seconds_avg,
       min(longest_transaction_seconds) AS longest_transaction_seconds_min,
       max(longest_transaction_seconds) AS longest_transaction_seconds_max,
       last(longest_transaction_seconds, collected_at) AS longest_transaction_seconds_last,
       avg(longest_query_seconds) AS longest_query_seconds_avg,
       min(longest_query_seconds) AS longest_query_seconds_min,
       max(longest_query_seconds) AS longest_query_seconds_max,
       last(longest_query_seconds, collected_at) AS longest_query_seconds_last,
       avg(longest_idle_in_transaction_seconds) AS longest_idle_in_transaction_seconds_avg,
       min(longest_idle_in_transaction_seconds) AS longest_idle_in_transaction_seconds_min,
       max(longest_idle_in_transaction_seconds) AS longest_idle_in_transaction_seconds_max,
       last(longest_idle_in_transaction_seconds, collected_at) AS longest_idle_in_transaction_seconds_last,
       avg(oldest_xmin_age) AS oldest_xmin_age_avg,
       min(oldest_xmin_age) AS oldest_xmin_age_min,
       max(oldest_xmin_age) AS oldest_xmin_age_max,
       last(oldest_xmin_age, collected_at) AS oldest_xmin_age_last
FROM ts.activity
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.activity_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.activity_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       sum(total_avg * samples) / nullif(sum(CASE WHEN total_avg IS NOT NULL THEN samples END), 0) AS total_avg,
       min(total_min) AS total_min,
       max(total_max) AS total_max,
       last(total_last, bucket) AS total_last,
       sum(active_avg * samples) / nullif(sum(CASE WHEN active_avg IS NOT NULL THEN samples END), 0) AS active_avg,
       min(active_min) AS active_min,
       max(active_max) AS active_max,
       last(active_last, bucket) AS active_last,
       sum(idle_avg * samples) / nullif(sum(CASE WHEN idle_avg IS NOT NULL THEN samples END), 0) AS idle_avg,
       min(idle_min) AS idle_min,
       max(idle_max) AS idle_max,
       last(idle_last, bucket) AS idle_last,
       sum(idle_in_transaction_avg * samples) / nullif(sum(CASE WHEN idle_in_transaction_avg IS NOT NULL THEN samples END), 0) AS idle_in_transaction_avg,
       min(idle_in_transaction_min) AS idle_in_transaction_min,
       max(idle_in_transaction_max) AS idle_in_transaction_max,
       last(idle_in_transaction_last, bucket) AS idle_in_transaction_last,
       sum(idle_in_transaction_aborted_avg * samples) / nullif(sum(CASE WHEN idle_in_transaction_aborted_avg IS NOT NULL THEN samples END), 0) AS idle_in_transaction_aborted_avg,
       min(idle_in_transaction_aborted_min) AS idle_in_transaction_aborted_min,
       max(idle_in_transaction_aborted_max) AS idle_in_transaction_aborted_max,
       last(idle_in_transaction_aborted_last, bucket) AS idle_in_transaction_aborted_last,
       sum(waiting_avg * samples) / nullif(sum(CASE WHEN waiting_avg IS NOT NULL THEN samples END), 0) AS waiting_avg,
       min(waiting_min) AS waiting_min,
       max(waiting_max) AS waiting_max,
       last(waiting_last, bucket) AS waiting_last,
       sum(lock_waiting_avg * samples) / nullif(sum(CASE WHEN lock_waiting_avg IS NOT NULL THEN samples END), 0) AS lock_waiting_avg,
       min(lock_waiting_min) AS lock_waiting_min,
       max(lock_waiting_max) AS lock_waiting_max,
       last(lock_waiting_last, bucket) AS lock_waiting_last,
       sum(longest_transaction_seconds_avg * samples) / nullif(sum(CASE WHEN longest_transaction_seconds_avg IS NOT NULL THEN samples END), 0) AS longest_transaction_seconds_avg,
       min(longest_transaction_seconds_min) AS longest_transaction_seconds_min,
       max(longest_transaction_seconds_max) AS longest_transaction_seconds_max,
       last(longest_transaction_seconds_last, bucket) AS longest_transaction_seconds_last,
       sum(longest_query_seconds_avg * samples) / nullif(sum(CASE WHEN longest_query_seconds_avg IS NOT NULL THEN samples END), 0) AS longest_query_seconds_avg,
       min(longest_query_seconds_min) AS longest_query_seconds_min,
       max(longest_query_seconds_max) AS longest_query_seconds_max,
       last(longest_query_seconds_last, bucket) AS longest_query_seconds_last,
       sum(longest_idle_in_transaction_seconds_avg * samples) / nullif(sum(CASE WHEN longest_idle_in_transaction_seconds_avg IS NOT NULL THEN samples END), 0) AS longest_idle_in_transaction_seconds_avg,
       min(longest_idle_in_transaction_seconds_min) AS longest_idle_in_transaction_seconds_min,
       max(longest_idle_in_transaction_seconds_max) AS longest_idle_in_transaction_seconds_max,
       last(longest_idle_in_transaction_seconds_last, bucket) AS longest_idle_in_transaction_seconds_last,
       sum(oldest_xmin_age_avg * samples) / nullif(sum(CASE WHEN oldest_xmin_age_avg IS NOT NULL THEN samples END), 0) AS oldest_xmin_age_avg,
       min(oldest_xmin_age_min) AS oldest_xmin_age_min,
       max(oldest_xmin_age_max) AS oldest_xmin_age_max,
       last(oldest_xmin_age_last, bucket) AS oldest_xmin_age_last
FROM ts.activity_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.activity_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.wait_events (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    backend_type text,
    wait_event_type text,
    wait_event text,
    backends bigint
);
CREATE INDEX wait_events_instance_time ON ts.wait_events (instance_id, collected_at DESC);
SELECT create_hypertable('ts.wait_events', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.wait_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.wait_events', INTERVAL '2 days');
SELECT add_retention_policy('ts.wait_events', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.wait_events_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       backend_type AS backend_type,
       wait_event_type AS wait_event_type,
       wait_event AS wait_event,
       avg(backends) AS backends_avg,
       min(backends) AS backends_min,
       max(backends) AS backends_max,
       last(backends, collected_at) AS backends_last
FROM ts.wait_events
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname, backend_type, wait_event_type, wait_event
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.wait_events_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.wait_events_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       backend_type AS backend_type,
       wait_event_type AS wait_event_type,
       wait_event AS wait_event,
       sum(backends_avg * samples) / nullif(sum(CASE WHEN backends_avg IS NOT NULL THEN samples END), 0) AS backends_avg,
       min(backends_min) AS backends_min,
       max(backends_max) AS backends_max,
       last(backends_last, bucket) AS backends_last
FROM ts.wait_events_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname, backend_type, wait_event_type, wait_event
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.wait_events_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.statements (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    dbid bigint,
    userid bigint,
    queryid bigint,
    toplevel boolean,
    datname text,
    username text,
    calls bigint,
    total_exec_time double precision,
    rows bigint,
    shared_blks_hit bigint,
    shared_blks_read bigint,
    shared_blks_dirtied bigint,
    shared_blks_written bigint,
    local_blks_hit bigint,
    local_blks_read bigint,
    local_blks_dirtied bigint,
    local_blks_written bigint,
    temp_blks_read bigint,
    temp_blks_written bigint,
    shared_blk_read_time double precision,
    shared_blk_write_time double precision,
    temp_blk_read_time double precision,
    temp_blk_write_time double precision,
    plans bigint,
    total_plan_time double precision,
    wal_records bigint,
    wal_fpi bigint,
    wal_bytes bigint
);
CREATE INDEX statements_instance_time ON ts.statements (instance_id, collected_at DESC);
SELECT create_hypertable('ts.statements', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.statements SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.statements', INTERVAL '2 days');
SELECT add_retention_policy('ts.statements', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.statements_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       dbid AS dbid,
       userid AS userid,
       queryid AS queryid,
       toplevel AS toplevel,
       last(datname, collected_at) AS datname_last,
       last(username, collected_at) AS username_last,
       sum(calls)::bigint AS calls,
       sum(total_exec_time) AS total_exec_time,
       sum(rows)::bigint AS rows,
       sum(shared_blks_hit)::bigint AS shared_blks_hit,
       sum(shared_blks_read)::bigint AS shared_blks_read,
       sum(shared_blks_dirtied)::bigint AS shared_blks_dirtied,
       sum(shared_blks_written)::bigint AS shared_blks_written,
       sum(local_blks_hit)::bigint AS local_blks_hit,
       sum(local_blks_read)::bigint AS local_blks_read,
       sum(local_blks_dirtied)::bigint AS local_blks_dirtied,
       sum(local_blks_written)::bigint AS local_blks_written,
       sum(temp_blks_read)::bigint AS temp_blks_read,
       sum(temp_blks_written)::bigint AS temp_blks_written,
       sum(shared_blk_read_time) AS shared_blk_read_time,
       sum(shared_blk_write_time) AS shared_blk_write_time,
       sum(temp_blk_read_time) AS temp_blk_read_time,
       sum(temp_blk_write_time) AS temp_blk_write_time,
       sum(plans)::bigint AS plans,
       sum(total_plan_time) AS total_plan_time,
       sum(wal_records)::bigint AS wal_records,
       sum(wal_fpi)::bigint AS wal_fpi,
       sum(wal_bytes)::bigint AS wal_bytes
FROM ts.statements
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), dbid, userid, queryid, toplevel
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.statements_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.statements_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       dbid AS dbid,
       userid AS userid,
       queryid AS queryid,
       toplevel AS toplevel,
       last(datname_last, bucket) AS datname_last,
       last(username_last, bucket) AS username_last,
       sum(calls)::bigint AS calls,
       sum(total_exec_time) AS total_exec_time,
       sum(rows)::bigint AS rows,
       sum(shared_blks_hit)::bigint AS shared_blks_hit,
       sum(shared_blks_read)::bigint AS shared_blks_read,
       sum(shared_blks_dirtied)::bigint AS shared_blks_dirtied,
       sum(shared_blks_written)::bigint AS shared_blks_written,
       sum(local_blks_hit)::bigint AS local_blks_hit,
       sum(local_blks_read)::bigint AS local_blks_read,
       sum(local_blks_dirtied)::bigint AS local_blks_dirtied,
       sum(local_blks_written)::bigint AS local_blks_written,
       sum(temp_blks_read)::bigint AS temp_blks_read,
       sum(temp_blks_written)::bigint AS temp_blks_written,
       sum(shared_blk_read_time) AS shared_blk_read_time,
       sum(shared_blk_write_time) AS shared_blk_write_time,
       sum(temp_blk_read_time) AS temp_blk_read_time,
       sum(temp_blk_write_time) AS temp_blk_write_time,
       sum(plans)::bigint AS plans,
       sum(total_plan_time) AS total_plan_time,
       sum(wal_records)::bigint AS wal_records,
       sum(wal_fpi)::bigint AS wal_fpi,
       sum(wal_bytes)::bigint AS wal_bytes
FROM ts.statements_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), dbid, userid, queryid, toplevel
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.statements_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.tables (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    schemaname text,
    relname text,
    seq_scan bigint,
    seq_tup_read bigint,
    idx_scan bigint,
    idx_tup_fetch bigint,
    n_tup_ins bigint,
    n_tup_upd bigint,
    n_tup_del bigint,
    n_tup_hot_upd bigint,
    n_tup_newpage_upd bigint,
    vacuum_count bigint,
    autovacuum_count bigint,
    analyze_count bigint,
    autoanalyze_count bigint,
    heap_blks_read bigint,
    heap_blks_hit bigint,
    idx_blks_read bigint,
    idx_blks_hit bigint,
    toast_blks_read bigint,
    toast_blks_hit bigint,
    tidx_blks_read bigint,
    tidx_blks_hit bigint,
    n_live_tup bigint,
    n_dead_tup bigint,
    n_mod_since_analyze bigint,
    n_ins_since_vacuum bigint,
    last_vacuum timestamptz,
    last_autovacuum timestamptz,
    last_analyze timestamptz,
    last_autoanalyze timestamptz,
    table_bytes bigint,
    total_bytes bigint,
    indexes_bytes bigint
);
CREATE INDEX tables_instance_time ON ts.tables (instance_id, collected_at DESC);
SELECT create_hypertable('ts.tables', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.tables SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.tables', INTERVAL '2 days');
SELECT add_retention_policy('ts.tables', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.tables_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       sum(seq_scan)::bigint AS seq_scan,
       sum(seq_tup_read)::bigint AS seq_tup_read,
       sum(idx_scan)::bigint AS idx_scan,
       sum(idx_tup_fetch)::bigint AS idx_tup_fetch,
       sum(n_tup_ins)::bigint AS n_tup_ins,
       sum(n_tup_upd)::bigint AS n_tup_upd,
       sum(n_tup_del)::bigint AS n_tup_del,
       sum(n_tup_hot_upd)::bigint AS n_tup_hot_upd,
       sum(n_tup_newpage_upd)::bigint AS n_tup_newpage_upd,
       sum(vacuum_count)::bigint AS vacuum_count,
       sum(autovacuum_count)::bigint AS autovacuum_count,
       sum(analyze_count)::bigint AS analyze_count,
       sum(autoanalyze_count)::bigint AS autoanalyze_count,
       sum(heap_blks_read)::bigint AS heap_blks_read,
       sum(heap_blks_hit)::bigint AS heap_blks_hit,
       sum(idx_blks_read)::bigint AS idx_blks_read,
       sum(idx_blks_hit)::bigint AS idx_blks_hit,
       sum(toast_blks_read)::bigint AS toast_blks_read,
       sum(toast_blks_hit)::bigint AS toast_blks_hit,
       sum(tidx_blks_read)::bigint AS tidx_blks_read,
       sum(tidx_blks_hit)::bigint AS tidx_blks_hit,
       avg(n_live_tup) AS n_live_tup_avg,
       min(n_live_tup) AS n_live_tup_min,
       max(n_live_tup) AS n_live_tup_max,
       last(n_live_tup, collected_at) AS n_live_tup_last,
       avg(n_dead_tup) AS n_dead_tup_avg,
       min(n_dead_tup) AS n_dead_tup_min,
       max(n_dead_tup) AS n_dead_tup_max,
       last(n_dead_tup, collected_at) AS n_dead_tup_last,
       avg(n_mod_since_analyze) AS n_mod_since_analyze_avg,
       min(n_mod_since_analyze) AS n_mod_since_analyze_min,
       max(n_mod_since_analyze) AS n_mod_since_analyze_max,
       last(n_mod_since_analyze, collected_at) AS n_mod_since_analyze_last,
       avg(n_ins_since_vacuum) AS n_ins_since_vacuum_avg,
       min(n_ins_since_vacuum) AS n_ins_since_vacuum_min,
       max(n_ins_since_vacuum) AS n_ins_since_vacuum_max,
       last(n_ins_since_vacuum, collected_at) AS n_ins_since_vacuum_last,
       last(last_vacuum, collected_at) AS last_vacuum_last,
       last(last_autovacuum, collected_at) AS last_autovacuum_last,
       last(last_analyze, collected_at) AS last_analyze_last,
       last(last_autoanalyze, collected_at) AS last_autoanalyze_last,
       avg(table_bytes) AS table_bytes_avg,
       min(table_bytes) AS table_bytes_min,
       max(table_bytes) AS table_bytes_max,
       last(table_bytes, collected_at) AS table_bytes_last,
       avg(total_bytes) AS total_bytes_avg,
       min(total_bytes) AS total_bytes_min,
       max(total_bytes) AS total_bytes_max,
       last(total_bytes, collected_at) AS total_bytes_last,
       avg(indexes_bytes) AS indexes_bytes_avg,
       min(indexes_bytes) AS indexes_bytes_min,
       max(indexes_bytes) AS indexes_bytes_max,
       last(indexes_bytes, collected_at) AS indexes_bytes_last
FROM ts.tables
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname, schemaname, relname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.tables_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.tables_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       sum(seq_scan)::bigint AS seq_scan,
       sum(seq_tup_read)::bigint AS seq_tup_read,
       sum(idx_scan)::bigint AS idx_scan,
       sum(idx_tup_fetch)::bigint AS idx_tup_fetch,
       sum(n_tup_ins)::bigint AS n_tup_ins,
       sum(n_tup_upd)::bigint AS n_tup_upd,
       sum(n_tup_del)::bigint AS n_tup_del,
       sum(n_tup_hot_upd)::bigint AS n_tup_hot_upd,
       sum(n_tup_newpage_upd)::bigint AS n_tup_newpage_upd,
       sum(vacuum_count)::bigint AS vacuum_count,
       sum(autovacuum_count)::bigint AS autovacuum_count,
       sum(analyze_count)::bigint AS analyze_count,
       sum(autoanalyze_count)::bigint AS autoanalyze_count,
       sum(heap_blks_read)::bigint AS heap_blks_read,
       sum(heap_blks_hit)::bigint AS heap_blks_hit,
       sum(idx_blks_read)::bigint AS idx_blks_read,
       sum(idx_blks_hit)::bigint AS idx_blks_hit,
       sum(toast_blks_read)::bigint AS toast_blks_read,
       sum(toast_blks_hit)::bigint AS toast_blks_hit,
       sum(tidx_blks_read)::bigint AS tidx_blks_read,
       sum(tidx_blks_hit)::bigint AS tidx_blks_hit,
       sum(n_live_tup_avg * samples) / nullif(sum(CASE WHEN n_live_tup_avg IS NOT NULL THEN samples END), 0) AS n_live_tup_avg,
       min(n_live_tup_min) AS n_live_tup_min,
       max(n_live_tup_max) AS n_live_tup_max,
       last(n_live_tup_last, bucket) AS n_live_tup_last,
       sum(n_dead_tup_avg * samples) / nullif(sum(CASE WHEN n_dead_tup_avg IS NOT NULL THEN samples END), 0) AS n_dead_tup_avg,
       min(n_dead_tup_min) AS n_dead_tup_min,
       max(n_dead_tup_max) AS n_dead_tup_max,
       last(n_dead_tup_last, bucket) AS n_dead_tup_last,
       sum(n_mod_since_analyze_avg * samples) / nullif(sum(CASE WHEN n_mod_since_analyze_avg IS NOT NULL THEN samples END), 0) AS n_mod_since_analyze_avg,
       min(n_mod_since_analyze_min) AS n_mod_since_analyze_min,
       max(n_mod_since_analyze_max) AS n_mod_since_analyze_max,
       last(n_mod_since_analyze_last, bucket) AS n_mod_since_analyze_last,
       sum(n_ins_since_vacuum_avg * samples) / nullif(sum(CASE WHEN n_ins_since_vacuum_avg IS NOT NULL THEN samples END), 0) AS n_ins_since_vacuum_avg,
       min(n_ins_since_vacuum_min) AS n_ins_since_vacuum_min,
       max(n_ins_since_vacuum_max) AS n_ins_since_vacuum_max,
       last(n_ins_since_vacuum_last, bucket) AS n_ins_since_vacuum_last,
       last(last_vacuum_last, bucket) AS last_vacuum_last,
       last(last_autovacuum_last, bucket) AS last_autovacuum_last,
       last(last_analyze_last, bucket) AS last_analyze_last,
       last(last_autoanalyze_last, bucket) AS last_autoanalyze_last,
       sum(table_bytes_avg * samples) / nullif(sum(CASE WHEN table_bytes_avg IS NOT NULL THEN samples END), 0) AS table_bytes_avg,
       min(table_bytes_min) AS table_bytes_min,
       max(table_bytes_max) AS table_bytes_max,
       last(table_bytes_last, bucket) AS table_bytes_last,
       sum(total_bytes_avg * samples) / nullif(sum(CASE WHEN total_bytes_avg IS NOT NULL THEN samples END), 0) AS total_bytes_avg,
       min(total_bytes_min) AS total_bytes_min,
       max(total_bytes_max) AS total_bytes_max,
       last(total_bytes_last, bucket) AS total_bytes_last,
       sum(indexes_bytes_avg * samples) / nullif(sum(CASE WHEN indexes_bytes_avg IS NOT NULL THEN samples END), 0) AS indexes_bytes_avg,
       min(indexes_bytes_min) AS indexes_bytes_min,
       max(indexes_bytes_max) AS indexes_bytes_max,
       last(indexes_bytes_last, bucket) AS indexes_bytes_last
FROM ts.tables_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname, schemaname, relname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.tables_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.indexes (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    schemaname text,
    relname text,
    indexrelname text,
    idx_scan bigint,
    idx_tup_read bigint,
    idx_tup_fetch bigint,
    idx_blks_read bigint,
    idx_blks_hit bigint,
    size_bytes bigint,
    is_valid boolean,
    is_unique boolean,
    is_primary boolean,
    last_idx_scan timestamptz
);
CREATE INDEX indexes_instance_time ON ts.indexes (instance_id, collected_at DESC);
SELECT create_hypertable('ts.indexes', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.indexes SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.indexes', INTERVAL '2 days');
SELECT add_retention_policy('ts.indexes', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.indexes_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       indexrelname AS indexrelname,
       sum(idx_scan)::bigint AS idx_scan,
       sum(idx_tup_read)::bigint AS idx_tup_read,
       sum(idx_tup_fetch)::bigint AS idx_tup_fetch,
       sum(idx_blks_read)::bigint AS idx_blks_read,
       sum(idx_blks_hit)::bigint AS idx_blks_hit,
       avg(size_bytes) AS size_bytes_avg,
       min(size_bytes) AS size_bytes_min,
       max(size_bytes) AS size_bytes_max,
       last(size_bytes, collected_at) AS size_bytes_last,
       last(is_valid, collected_at) AS is_valid_last,
       last(is_unique, collected_at) AS is_unique_last,
       last(is_primary, collected_at) AS is_primary_last,
       last(last_idx_scan, collected_at) AS last_idx_scan_last
FROM ts.indexes
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname, schemaname, relname, indexrelname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.indexes_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.indexes_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       indexrelname AS indexrelname,
       sum(idx_scan)::bigint AS idx_scan,
       sum(idx_tup_read)::bigint AS idx_tup_read,
       sum(idx_tup_fetch)::bigint AS idx_tup_fetch,
       sum(idx_blks_read)::bigint AS idx_blks_read,
       sum(idx_blks_hit)::bigint AS idx_blks_hit,
       sum(size_bytes_avg * samples) / nullif(sum(CASE WHEN size_bytes_avg IS NOT NULL THEN samples END), 0) AS size_bytes_avg,
       min(size_bytes_min) AS size_bytes_min,
       max(size_bytes_max) AS size_bytes_max,
       last(size_bytes_last, bucket) AS size_bytes_last,
       last(is_valid_last, bucket) AS is_valid_last,
       last(is_unique_last, bucket) AS is_unique_last,
       last(is_primary_last, bucket) AS is_primary_last,
       last(last_idx_scan_last, bucket) AS last_idx_scan_last
FROM ts.indexes_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname, schemaname, relname, indexrelname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.indexes_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.bgwriter (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    checkpoints_timed bigint,
    checkpoints_req bigint,
    checkpoints_done bigint,
    restartpoints_timed bigint,
    restartpoints_req bigint,
    restartpoints_done bigint,
    checkpoint_write_time double precision,
    checkpoint_sync_time double precision,
    buffers_checkpoint bigint,
    buffers_clean bigint,
    maxwritten_clean bigint,
    buffers_backend bigint,
    buffers_backend_fsync bigint,
    buffers_alloc bigint,
    stats_reset timestamptz
);
CREATE INDEX bgwriter_instance_time ON ts.bgwriter (instance_id, collected_at DESC);
SELECT create_hypertable('ts.bgwriter', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.bgwriter SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.bgwriter', INTERVAL '2 days');
SELECT add_retention_policy('ts.bgwriter', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.bgwriter_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(checkpoints_timed)::bigint AS checkpoints_timed,
       sum(checkpoints_req)::bigint AS checkpoints_req,
       sum(checkpoints_done)::bigint AS checkpoints_done,
       sum(restartpoints_timed)::bigint AS restartpoints_timed,
       sum(restartpoints_req)::bigint AS restartpoints_req,
       sum(restartpoints_done)::bigint AS restartpoints_done,
       sum(checkpoint_write_time) AS checkpoint_write_time,
       sum(checkpoint_sync_time) AS checkpoint_sync_time,
       sum(buffers_checkpoint)::bigint AS buffers_checkpoint,
       sum(buffers_clean)::bigint AS buffers_clean,
       sum(maxwritten_clean)::bigint AS maxwritten_clean,
       sum(buffers_backend)::bigint AS buffers_backend,
       sum(buffers_backend_fsync)::bigint AS buffers_backend_fsync,
       sum(buffers_alloc)::bigint AS buffers_alloc,
       last(stats_reset, collected_at) AS stats_reset_last
FROM ts.bgwriter
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.bgwriter_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.bgwriter_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(checkpoints_timed)::bigint AS checkpoints_timed,
       sum(checkpoints_req)::bigint AS checkpoints_req,
       sum(checkpoints_done)::bigint AS checkpoints_done,
       sum(restartpoints_timed)::bigint AS restartpoints_timed,
       sum(restartpoints_req)::bigint AS restartpoints_req,
       sum(restartpoints_done)::bigint AS restartpoints_done,
       sum(checkpoint_write_time) AS checkpoint_write_time,
       sum(checkpoint_sync_time) AS checkpoint_sync_time,
       sum(buffers_checkpoint)::bigint AS buffers_checkpoint,
       sum(buffers_clean)::bigint AS buffers_clean,
       sum(maxwritten_clean)::bigint AS maxwritten_clean,
       sum(buffers_backend)::bigint AS buffers_backend,
       sum(buffers_backend_fsync)::bigint AS buffers_backend_fsync,
       sum(buffers_alloc)::bigint AS buffers_alloc,
       last(stats_reset_last, bucket) AS stats_reset_last
FROM ts.bgwriter_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.bgwriter_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.wal (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    wal_records bigint,
    wal_fpi bigint,
    wal_bytes bigint,
    wal_buffers_full bigint,
    wal_write bigint,
    wal_sync bigint,
    wal_write_time double precision,
    wal_sync_time double precision,
    stats_reset timestamptz
);
CREATE INDEX wal_instance_time ON ts.wal (instance_id, collected_at DESC);
SELECT create_hypertable('ts.wal', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.wal SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.wal', INTERVAL '2 days');
SELECT add_retention_policy('ts.wal', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.wal_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(wal_records)::bigint AS wal_records,
       sum(wal_fpi)::bigint AS wal_fpi,
       sum(wal_bytes)::bigint AS wal_bytes,
       sum(wal_buffers_full)::bigint AS wal_buffers_full,
       sum(wal_write)::bigint AS wal_write,
       sum(wal_sync)::bigint AS wal_sync,
       sum(wal_write_time) AS wal_write_time,
       sum(wal_sync_time) AS wal_sync_time,
       last(stats_reset, collected_at) AS stats_reset_last
FROM ts.wal
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.wal_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.wal_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(wal_records)::bigint AS wal_records,
       sum(wal_fpi)::bigint AS wal_fpi,
       sum(wal_bytes)::bigint AS wal_bytes,
       sum(wal_buffers_full)::bigint AS wal_buffers_full,
       sum(wal_write)::bigint AS wal_write,
       sum(wal_sync)::bigint AS wal_sync,
       sum(wal_write_time) AS wal_write_time,
       sum(wal_sync_time) AS wal_sync_time,
       last(stats_reset_last, bucket) AS stats_reset_last
FROM ts.wal_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.wal_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.io (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    backend_type text,
    object text,
    context text,
    reads bigint,
    read_bytes bigint,
    read_time double precision,
    writes bigint,
    write_bytes bigint,
    write_time double precision,
    writebacks bigint,
    writeback_time double precision,
    extends bigint,
    extend_bytes bigint,
    extend_time double precision,
    hits bigint,
    evictions bigint,
    reuses bigint,
    fsyncs bigint,
    fsync_time double precision,
    stats_reset timestamptz
);
CREATE INDEX io_instance_time ON ts.io (instance_id, collected_at DESC);
SELECT create_hypertable('ts.io', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.io SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.io', INTERVAL '2 days');
SELECT add_retention_policy('ts.io', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.io_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       backend_type AS backend_type,
       object AS object,
       context AS context,
       sum(reads)::bigint AS reads,
       sum(read_bytes)::bigint AS read_bytes,
       sum(read_time) AS read_time,
       sum(writes)::bigint AS writes,
       sum(write_bytes)::bigint AS write_bytes,
       sum(write_time) AS write_time,
       sum(writebacks)::bigint AS writebacks,
       sum(writeback_time) AS writeback_time,
       sum(extends)::bigint AS extends,
       sum(extend_bytes)::bigint AS extend_bytes,
       sum(extend_time) AS extend_time,
       sum(hits)::bigint AS hits,
       sum(evictions)::bigint AS evictions,
       sum(reuses)::bigint AS reuses,
       sum(fsyncs)::bigint AS fsyncs,
       sum(fsync_time) AS fsync_time,
       last(stats_reset, collected_at) AS stats_reset_last
FROM ts.io
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), backend_type, object, context
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.io_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.io_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       backend_type AS backend_type,
       object AS object,
       context AS context,
       sum(reads)::bigint AS reads,
       sum(read_bytes)::bigint AS read_bytes,
       sum(read_time) AS read_time,
       sum(writes)::bigint AS writes,
       sum(write_bytes)::bigint AS write_bytes,
       sum(write_time) AS write_time,
       sum(writebacks)::bigint AS writebacks,
       sum(writeback_time) AS writeback_time,
       sum(extends)::bigint AS extends,
       sum(extend_bytes)::bigint AS extend_bytes,
       sum(extend_time) AS extend_time,
       sum(hits)::bigint AS hits,
       sum(evictions)::bigint AS evictions,
       sum(reuses)::bigint AS reuses,
       sum(fsyncs)::bigint AS fsyncs,
       sum(fsync_time) AS fsync_time,
       last(stats_reset_last, bucket) AS stats_reset_last
FROM ts.io_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), backend_type, object, context
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.io_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.replication (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    pid bigint,
    application_name text,
    client_addr text,
    state text,
    sync_state text,
    sent_lag_bytes bigint,
    write_lag_bytes bigint,
    flush_lag_bytes bigint,
    replay_lag_bytes bigint,
    write_lag_seconds double precision,
    flush_lag_seconds double precision,
    replay_lag_seconds double precision
);
CREATE INDEX replication_instance_time ON ts.replication (instance_id, collected_at DESC);
SELECT create_hypertable('ts.replication', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.replication SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.replication', INTERVAL '2 days');
SELECT add_retention_policy('ts.replication', INTERVAL '14 days');

CREATE TABLE ts.replication_slots (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    slot_name text,
    slot_type text,
    plugin text,
    database text,
    temporary boolean,
    active boolean,
    wal_status text,
    retained_wal_bytes bigint,
    safe_wal_size_bytes bigint,
    xmin_age bigint,
    catalog_xmin_age bigint,
    confirmed_flush_lag_bytes bigint
);
CREATE INDEX replication_slots_instance_time ON ts.replication_slots (instance_id, collected_at DESC);
SELECT create_hypertable('ts.replication_slots', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.replication_slots SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.replication_slots', INTERVAL '2 days');
SELECT add_retention_policy('ts.replication_slots', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.replication_slots_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       slot_name AS slot_name,
       last(slot_type, collected_at) AS slot_type_last,
       last(plugin, collected_at) AS plugin_last,
       last(database, collected_at) AS database_last,
       last(temporary, collected_at) AS temporary_last,
       last(active, collected_at) AS active_last,
       last(wal_status, collected_at) AS wal_status_last,
       avg(retained_wal_bytes) AS retained_wal_bytes_avg,
       min(retained_wal_bytes) AS retained_wal_bytes_min,
       max(retained_wal_bytes) AS retained_wal_bytes_max,
       last(retained_wal_bytes, collected_at) AS retained_wal_bytes_last,
       avg(safe_wal_size_bytes) AS safe_wal_size_bytes_avg,
       min(safe_wal_size_bytes) AS safe_wal_size_bytes_min,
       max(safe_wal_size_bytes) AS safe_wal_size_bytes_max,
       last(safe_wal_size_bytes, collected_at) AS safe_wal_size_bytes_last,
       avg(xmin_age) AS xmin_age_avg,
       min(xmin_age) AS xmin_age_min,
       max(xmin_age) AS xmin_age_max,
       last(xmin_age, collected_at) AS xmin_age_last,
       avg(catalog_xmin_age) AS catalog_xmin_age_avg,
       min(catalog_xmin_age) AS catalog_xmin_age_min,
       max(catalog_xmin_age) AS catalog_xmin_age_max,
       last(catalog_xmin_age, collected_at) AS catalog_xmin_age_last,
       avg(confirmed_flush_lag_bytes) AS confirmed_flush_lag_bytes_avg,
       min(confirmed_flush_lag_bytes) AS confirmed_flush_lag_bytes_min,
       max(confirmed_flush_lag_bytes) AS confirmed_flush_lag_bytes_max,
       last(confirmed_flush_lag_bytes, collected_at) AS confirmed_flush_lag_bytes_last
FROM ts.replication_slots
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), slot_name
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.replication_slots_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.replication_slots_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       slot_name AS slot_name,
       last(slot_type_last, bucket) AS slot_type_last,
       last(plugin_last, bucket) AS plugin_last,
       last(database_last, bucket) AS database_last,
       last(temporary_last, bucket) AS temporary_last,
       last(active_last, bucket) AS active_last,
       last(wal_status_last, bucket) AS wal_status_last,
       sum(retained_wal_bytes_avg * samples) / nullif(sum(CASE WHEN retained_wal_bytes_avg IS NOT NULL THEN samples END), 0) AS retained_wal_bytes_avg,
       min(retained_wal_bytes_min) AS retained_wal_bytes_min,
       max(retained_wal_bytes_max) AS retained_wal_bytes_max,
       last(retained_wal_bytes_last, bucket) AS retained_wal_bytes_last,
       sum(safe_wal_size_bytes_avg * samples) / nullif(sum(CASE WHEN safe_wal_size_bytes_avg IS NOT NULL THEN samples END), 0) AS safe_wal_size_bytes_avg,
       min(safe_wal_size_bytes_min) AS safe_wal_size_bytes_min,
       max(safe_wal_size_bytes_max) AS safe_wal_size_bytes_max,
       last(safe_wal_size_bytes_last, bucket) AS safe_wal_size_bytes_last,
       sum(xmin_age_avg * samples) / nullif(sum(CASE WHEN xmin_age_avg IS NOT NULL THEN samples END), 0) AS xmin_age_avg,
       min(xmin_age_min) AS xmin_age_min,
       max(xmin_age_max) AS xmin_age_max,
       last(xmin_age_last, bucket) AS xmin_age_last,
       sum(catalog_xmin_age_avg * samples) / nullif(sum(CASE WHEN catalog_xmin_age_avg IS NOT NULL THEN samples END), 0) AS catalog_xmin_age_avg,
       min(catalog_xmin_age_min) AS catalog_xmin_age_min,
       max(catalog_xmin_age_max) AS catalog_xmin_age_max,
       last(catalog_xmin_age_last, bucket) AS catalog_xmin_age_last,
       sum(confirmed_flush_lag_bytes_avg * samples) / nullif(sum(CASE WHEN confirmed_flush_lag_bytes_avg IS NOT NULL THEN samples END), 0) AS confirmed_flush_lag_bytes_avg,
       min(confirmed_flush_lag_bytes_min) AS confirmed_flush_lag_bytes_min,
       max(confirmed_flush_lag_bytes_max) AS confirmed_flush_lag_bytes_max,
       last(confirmed_flush_lag_bytes_last, bucket) AS confirmed_flush_lag_bytes_last
FROM ts.replication_slots_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), slot_name
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.replication_slots_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.wal_receiver (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    status text,
    sender_host text,
    sender_port bigint,
    slot_name text,
    received_tli bigint,
    replay_lag_bytes bigint,
    replay_delay_seconds double precision,
    last_msg_age_seconds double precision
);
CREATE INDEX wal_receiver_instance_time ON ts.wal_receiver (instance_id, collected_at DESC);
SELECT create_hypertable('ts.wal_receiver', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.wal_receiver SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.wal_receiver', INTERVAL '2 days');
SELECT add_retention_policy('ts.wal_receiver', INTERVAL '14 days');

CREATE TABLE ts.locks (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    pid bigint,
    datname text,
    usename text,
    application_name text,
    wait_event_type text,
    wait_event text,
    blocking_pids text,
    root_pid bigint,
    root_state text,
    root_application_name text,
    query_id bigint,
    wait_seconds double precision,
    chain_depth bigint,
    root_transaction_seconds double precision
);
CREATE INDEX locks_instance_time ON ts.locks (instance_id, collected_at DESC);
SELECT create_hypertable('ts.locks', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.locks SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.locks', INTERVAL '2 days');
SELECT add_retention_policy('ts.locks', INTERVAL '14 days');

CREATE TABLE ts.vacuum (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    datname text,
    schemaname text,
    relname text,
    xid_age bigint,
    mxid_age bigint,
    phase text,
    heap_blks_total bigint,
    heap_blks_scanned bigint,
    heap_blks_vacuumed bigint,
    index_vacuum_count bigint,
    dead_items bigint,
    max_dead_items bigint,
    dead_item_bytes bigint,
    max_dead_item_bytes bigint
);
CREATE INDEX vacuum_instance_time ON ts.vacuum (instance_id, collected_at DESC);
SELECT create_hypertable('ts.vacuum', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.vacuum SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.vacuum', INTERVAL '2 days');
SELECT add_retention_policy('ts.vacuum', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.vacuum_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       avg(xid_age) AS xid_age_avg,
       min(xid_age) AS xid_age_min,
       max(xid_age) AS xid_age_max,
       last(xid_age, collected_at) AS xid_age_last,
       avg(mxid_age) AS mxid_age_avg,
       min(mxid_age) AS mxid_age_min,
       max(mxid_age) AS mxid_age_max,
       last(mxid_age, collected_at) AS mxid_age_last,
       last(phase, collected_at) AS phase_last,
       avg(heap_blks_total) AS heap_blks_total_avg,
       min(heap_blks_total) AS heap_blks_total_min,
       max(heap_blks_total) AS heap_blks_total_max,
       last(heap_blks_total, collected_at) AS heap_blks_total_last,
       avg(heap_blks_scanned) AS heap_blks_scanned_avg,
       min(heap_blks_scanned) AS heap_blks_scanned_min,
       max(heap_blks_scanned) AS heap_blks_scanned_max,
       last(heap_blks_scanned, collected_at) AS heap_blks_scanned_last,
       avg(heap_blks_vacuumed) AS heap_blks_vacuumed_avg,
       min(heap_blks_vacuumed) AS heap_blks_vacuumed_min,
       max(heap_blks_vacuumed) AS heap_blks_vacuumed_max,
       last(heap_blks_vacuumed, collected_at) AS heap_blks_vacuumed_last,
       avg(index_vacuum_count) AS index_vacuum_count_avg,
       min(index_vacuum_count) AS index_vacuum_count_min,
       max(index_vacuum_count) AS index_vacuum_count_max,
       last(index_vacuum_count, collected_at) AS index_vacuum_count_last,
       avg(dead_items) AS dead_items_avg,
       min(dead_items) AS dead_items_min,
       max(dead_items) AS dead_items_max,
       last(dead_items, collected_at) AS dead_items_last,
       avg(max_dead_items) AS max_dead_items_avg,
       min(max_dead_items) AS max_dead_items_min,
       max(max_dead_items) AS max_dead_items_max,
       last(max_dead_items, collected_at) AS max_dead_items_last,
       avg(dead_item_bytes) AS dead_item_bytes_avg,
       min(dead_item_bytes) AS dead_item_bytes_min,
       max(dead_item_bytes) AS dead_item_bytes_max,
       last(dead_item_bytes, collected_at) AS dead_item_bytes_last,
       avg(max_dead_item_bytes) AS max_dead_item_bytes_avg,
       min(max_dead_item_bytes) AS max_dead_item_bytes_min,
       max(max_dead_item_bytes) AS max_dead_item_bytes_max,
       last(max_dead_item_bytes, collected_at) AS max_dead_item_bytes_last
FROM ts.vacuum
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), datname, schemaname, relname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.vacuum_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.vacuum_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       datname AS datname,
       schemaname AS schemaname,
       relname AS relname,
       sum(xid_age_avg * samples) / nullif(sum(CASE WHEN xid_age_avg IS NOT NULL THEN samples END), 0) AS xid_age_avg,
       min(xid_age_min) AS xid_age_min,
       max(xid_age_max) AS xid_age_max,
       last(xid_age_last, bucket) AS xid_age_last,
       sum(mxid_age_avg * samples) / nullif(sum(CASE WHEN mxid_age_avg IS NOT NULL THEN samples END), 0) AS mxid_age_avg,
       min(mxid_age_min) AS mxid_age_min,
       max(mxid_age_max) AS mxid_age_max,
       last(mxid_age_last, bucket) AS mxid_age_last,
       last(phase_last, bucket) AS phase_last,
       sum(heap_blks_total_avg * samples) / nullif(sum(CASE WHEN heap_blks_total_avg IS NOT NULL THEN samples END), 0) AS heap_blks_total_avg,
       min(heap_blks_total_min) AS heap_blks_total_min,
       max(heap_blks_total_max) AS heap_blks_total_max,
       last(heap_blks_total_last, bucket) AS heap_blks_total_last,
       sum(heap_blks_scanned_avg * samples) / nullif(sum(CASE WHEN heap_blks_scanned_avg IS NOT NULL THEN samples END), 0) AS heap_blks_scanned_avg,
       min(heap_blks_scanned_min) AS heap_blks_scanned_min,
       max(heap_blks_scanned_max) AS heap_blks_scanned_max,
       last(heap_blks_scanned_last, bucket) AS heap_blks_scanned_last,
       sum(heap_blks_vacuumed_avg * samples) / nullif(sum(CASE WHEN heap_blks_vacuumed_avg IS NOT NULL THEN samples END), 0) AS heap_blks_vacuumed_avg,
       min(heap_blks_vacuumed_min) AS heap_blks_vacuumed_min,
       max(heap_blks_vacuumed_max) AS heap_blks_vacuumed_max,
       last(heap_blks_vacuumed_last, bucket) AS heap_blks_vacuumed_last,
       sum(index_vacuum_count_avg * samples) / nullif(sum(CASE WHEN index_vacuum_count_avg IS NOT NULL THEN samples END), 0) AS index_vacuum_count_avg,
       min(index_vacuum_count_min) AS index_vacuum_count_min,
       max(index_vacuum_count_max) AS index_vacuum_count_max,
       last(index_vacuum_count_last, bucket) AS index_vacuum_count_last,
       sum(dead_items_avg * samples) / nullif(sum(CASE WHEN dead_items_avg IS NOT NULL THEN samples END), 0) AS dead_items_avg,
       min(dead_items_min) AS dead_items_min,
       max(dead_items_max) AS dead_items_max,
       last(dead_items_last, bucket) AS dead_items_last,
       sum(max_dead_items_avg * samples) / nullif(sum(CASE WHEN max_dead_items_avg IS NOT NULL THEN samples END), 0) AS max_dead_items_avg,
       min(max_dead_items_min) AS max_dead_items_min,
       max(max_dead_items_max) AS max_dead_items_max,
       last(max_dead_items_last, bucket) AS max_dead_items_last,
       sum(dead_item_bytes_avg * samples) / nullif(sum(CASE WHEN dead_item_bytes_avg IS NOT NULL THEN samples END), 0) AS dead_item_bytes_avg,
       min(dead_item_bytes_min) AS dead_item_bytes_min,
       max(dead_item_bytes_max) AS dead_item_bytes_max,
       last(dead_item_bytes_last, bucket) AS dead_item_bytes_last,
       sum(max_dead_item_bytes_avg * samples) / nullif(sum(CASE WHEN max_dead_item_bytes_avg IS NOT NULL THEN samples END), 0) AS max_dead_item_bytes_avg,
       min(max_dead_item_bytes_min) AS max_dead_item_bytes_min,
       max(max_dead_item_bytes_max) AS max_dead_item_bytes_max,
       last(max_dead_item_bytes_last, bucket) AS max_dead_item_bytes_last
FROM ts.vacuum_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), datname, schemaname, relname
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.vacuum_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_cpu (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    cpus bigint,
    user_seconds double precision,
    nice_seconds double precision,
    system_seconds double precision,
    idle_seconds double precision,
    iowait_seconds double precision,
    irq_seconds double precision,
    softirq_seconds double precision,
    steal_seconds double precision,
    context_switches bigint
);
CREATE INDEX host_cpu_instance_time ON ts.host_cpu (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_cpu', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_cpu SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_cpu', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_cpu', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_cpu_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       avg(cpus) AS cpus_avg,
       min(cpus) AS cpus_min,
       max(cpus) AS cpus_max,
       last(cpus, collected_at) AS cpus_last,
       sum(user_seconds) AS user_seconds,
       sum(nice_seconds) AS nice_seconds,
       sum(system_seconds) AS system_seconds,
       sum(idle_seconds) AS idle_seconds,
       sum(iowait_seconds) AS iowait_seconds,
       sum(irq_seconds) AS irq_seconds,
       sum(softirq_seconds) AS softirq_seconds,
       sum(steal_seconds) AS steal_seconds,
       sum(context_switches)::bigint AS context_switches
FROM ts.host_cpu
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_cpu_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_cpu_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(cpus_avg * samples) / nullif(sum(CASE WHEN cpus_avg IS NOT NULL THEN samples END), 0) AS cpus_avg,
       min(cpus_min) AS cpus_min,
       max(cpus_max) AS cpus_max,
       last(cpus_last, bucket) AS cpus_last,
       sum(user_seconds) AS user_seconds,
       sum(nice_seconds) AS nice_seconds,
       sum(system_seconds) AS system_seconds,
       sum(idle_seconds) AS idle_seconds,
       sum(iowait_seconds) AS iowait_seconds,
       sum(irq_seconds) AS irq_seconds,
       sum(softirq_seconds) AS softirq_seconds,
       sum(steal_seconds) AS steal_seconds,
       sum(context_switches)::bigint AS context_switches
FROM ts.host_cpu_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_cpu_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_memory (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    total_bytes bigint,
    free_bytes bigint,
    available_bytes bigint,
    buffers_bytes bigint,
    cached_bytes bigint,
    shmem_bytes bigint,
    dirty_bytes bigint,
    swap_total_bytes bigint,
    swap_free_bytes bigint,
    huge_pages_total bigint,
    huge_pages_free bigint
);
CREATE INDEX host_memory_instance_time ON ts.host_memory (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_memory', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_memory SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_memory', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_memory', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_memory_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       avg(total_bytes) AS total_bytes_avg,
       min(total_bytes) AS total_bytes_min,
       max(total_bytes) AS total_bytes_max,
       last(total_bytes, collected_at) AS total_bytes_last,
       avg(free_bytes) AS free_bytes_avg,
       min(free_bytes) AS free_bytes_min,
       max(free_bytes) AS free_bytes_max,
       last(free_bytes, collected_at) AS free_bytes_last,
       avg(available_bytes) AS available_bytes_avg,
       min(available_bytes) AS available_bytes_min,
       max(available_bytes) AS available_bytes_max,
       last(available_bytes, collected_at) AS available_bytes_last,
       avg(buffers_bytes) AS buffers_bytes_avg,
       min(buffers_bytes) AS buffers_bytes_min,
       max(buffers_bytes) AS buffers_bytes_max,
       last(buffers_bytes, collected_at) AS buffers_bytes_last,
       avg(cached_bytes) AS cached_bytes_avg,
       min(cached_bytes) AS cached_bytes_min,
       max(cached_bytes) AS cached_bytes_max,
       last(cached_bytes, collected_at) AS cached_bytes_last,
       avg(shmem_bytes) AS shmem_bytes_avg,
       min(shmem_bytes) AS shmem_bytes_min,
       max(shmem_bytes) AS shmem_bytes_max,
       last(shmem_bytes, collected_at) AS shmem_bytes_last,
       avg(dirty_bytes) AS dirty_bytes_avg,
       min(dirty_bytes) AS dirty_bytes_min,
       max(dirty_bytes) AS dirty_bytes_max,
       last(dirty_bytes, collected_at) AS dirty_bytes_last,
       avg(swap_total_bytes) AS swap_total_bytes_avg,
       min(swap_total_bytes) AS swap_total_bytes_min,
       max(swap_total_bytes) AS swap_total_bytes_max,
       last(swap_total_bytes, collected_at) AS swap_total_bytes_last,
       avg(swap_free_bytes) AS swap_free_bytes_avg,
       min(swap_free_bytes) AS swap_free_bytes_min,
       max(swap_free_bytes) AS swap_free_bytes_max,
       last(swap_free_bytes, collected_at) AS swap_free_bytes_last,
       avg(huge_pages_total) AS huge_pages_total_avg,
       min(huge_pages_total) AS huge_pages_total_min,
       max(huge_pages_total) AS huge_pages_total_max,
       last(huge_pages_total, collected_at) AS huge_pages_total_last,
       avg(huge_pages_free) AS huge_pages_free_avg,
       min(huge_pages_free) AS huge_pages_free_min,
       max(huge_pages_free) AS huge_pages_free_max,
       last(huge_pages_free, collected_at) AS huge_pages_free_last
FROM ts.host_memory
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_memory_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_memory_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(total_bytes_avg * samples) / nullif(sum(CASE WHEN total_bytes_avg IS NOT NULL THEN samples END), 0) AS total_bytes_avg,
       min(total_bytes_min) AS total_bytes_min,
       max(total_bytes_max) AS total_bytes_max,
       last(total_bytes_last, bucket) AS total_bytes_last,
       sum(free_bytes_avg * samples) / nullif(sum(CASE WHEN free_bytes_avg IS NOT NULL THEN samples END), 0) AS free_bytes_avg,
       min(free_bytes_min) AS free_bytes_min,
       max(free_bytes_max) AS free_bytes_max,
       last(free_bytes_last, bucket) AS free_bytes_last,
       sum(available_bytes_avg * samples) / nullif(sum(CASE WHEN available_bytes_avg IS NOT NULL THEN samples END), 0) AS available_bytes_avg,
       min(available_bytes_min) AS available_bytes_min,
       max(available_bytes_max) AS available_bytes_max,
       last(available_bytes_last, bucket) AS available_bytes_last,
       sum(buffers_bytes_avg * samples) / nullif(sum(CASE WHEN buffers_bytes_avg IS NOT NULL THEN samples END), 0) AS buffers_bytes_avg,
       min(buffers_bytes_min) AS buffers_bytes_min,
       max(buffers_bytes_max) AS buffers_bytes_max,
       last(buffers_bytes_last, bucket) AS buffers_bytes_last,
       sum(cached_bytes_avg * samples) / nullif(sum(CASE WHEN cached_bytes_avg IS NOT NULL THEN samples END), 0) AS cached_bytes_avg,
       min(cached_bytes_min) AS cached_bytes_min,
       max(cached_bytes_max) AS cached_bytes_max,
       last(cached_bytes_last, bucket) AS cached_bytes_last,
       sum(shmem_bytes_avg * samples) / nullif(sum(CASE WHEN shmem_bytes_avg IS NOT NULL THEN samples END), 0) AS shmem_bytes_avg,
       min(shmem_bytes_min) AS shmem_bytes_min,
       max(shmem_bytes_max) AS shmem_bytes_max,
       last(shmem_bytes_last, bucket) AS shmem_bytes_last,
       sum(dirty_bytes_avg * samples) / nullif(sum(CASE WHEN dirty_bytes_avg IS NOT NULL THEN samples END), 0) AS dirty_bytes_avg,
       min(dirty_bytes_min) AS dirty_bytes_min,
       max(dirty_bytes_max) AS dirty_bytes_max,
       last(dirty_bytes_last, bucket) AS dirty_bytes_last,
       sum(swap_total_bytes_avg * samples) / nullif(sum(CASE WHEN swap_total_bytes_avg IS NOT NULL THEN samples END), 0) AS swap_total_bytes_avg,
       min(swap_total_bytes_min) AS swap_total_bytes_min,
       max(swap_total_bytes_max) AS swap_total_bytes_max,
       last(swap_total_bytes_last, bucket) AS swap_total_bytes_last,
       sum(swap_free_bytes_avg * samples) / nullif(sum(CASE WHEN swap_free_bytes_avg IS NOT NULL THEN samples END), 0) AS swap_free_bytes_avg,
       min(swap_free_bytes_min) AS swap_free_bytes_min,
       max(swap_free_bytes_max) AS swap_free_bytes_max,
       last(swap_free_bytes_last, bucket) AS swap_free_bytes_last,
       sum(huge_pages_total_avg * samples) / nullif(sum(CASE WHEN huge_pages_total_avg IS NOT NULL THEN samples END), 0) AS huge_pages_total_avg,
       min(huge_pages_total_min) AS huge_pages_total_min,
       max(huge_pages_total_max) AS huge_pages_total_max,
       last(huge_pages_total_last, bucket) AS huge_pages_total_last,
       sum(huge_pages_free_avg * samples) / nullif(sum(CASE WHEN huge_pages_free_avg IS NOT NULL THEN samples END), 0) AS huge_pages_free_avg,
       min(huge_pages_free_min) AS huge_pages_free_min,
       max(huge_pages_free_max) AS huge_pages_free_max,
       last(huge_pages_free_last, bucket) AS huge_pages_free_last
FROM ts.host_memory_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_memory_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_load (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    load1 double precision,
    load5 double precision,
    load15 double precision,
    running bigint,
    processes bigint
);
CREATE INDEX host_load_instance_time ON ts.host_load (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_load', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_load SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_load', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_load', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_load_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       avg(load1) AS load1_avg,
       min(load1) AS load1_min,
       max(load1) AS load1_max,
       last(load1, collected_at) AS load1_last,
       avg(load5) AS load5_avg,
       min(load5) AS load5_min,
       max(load5) AS load5_max,
       last(load5, collected_at) AS load5_last,
       avg(load15) AS load15_avg,
       min(load15) AS load15_min,
       max(load15) AS load15_max,
       last(load15, collected_at) AS load15_last,
       avg(running) AS running_avg,
       min(running) AS running_min,
       max(running) AS running_max,
       last(running, collected_at) AS running_last,
       avg(processes) AS processes_avg,
       min(processes) AS processes_min,
       max(processes) AS processes_max,
       last(processes, collected_at) AS processes_last
FROM ts.host_load
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_load_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_load_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       sum(load1_avg * samples) / nullif(sum(CASE WHEN load1_avg IS NOT NULL THEN samples END), 0) AS load1_avg,
       min(load1_min) AS load1_min,
       max(load1_max) AS load1_max,
       last(load1_last, bucket) AS load1_last,
       sum(load5_avg * samples) / nullif(sum(CASE WHEN load5_avg IS NOT NULL THEN samples END), 0) AS load5_avg,
       min(load5_min) AS load5_min,
       max(load5_max) AS load5_max,
       last(load5_last, bucket) AS load5_last,
       sum(load15_avg * samples) / nullif(sum(CASE WHEN load15_avg IS NOT NULL THEN samples END), 0) AS load15_avg,
       min(load15_min) AS load15_min,
       max(load15_max) AS load15_max,
       last(load15_last, bucket) AS load15_last,
       sum(running_avg * samples) / nullif(sum(CASE WHEN running_avg IS NOT NULL THEN samples END), 0) AS running_avg,
       min(running_min) AS running_min,
       max(running_max) AS running_max,
       last(running_last, bucket) AS running_last,
       sum(processes_avg * samples) / nullif(sum(CASE WHEN processes_avg IS NOT NULL THEN samples END), 0) AS processes_avg,
       min(processes_min) AS processes_min,
       max(processes_max) AS processes_max,
       last(processes_last, bucket) AS processes_last
FROM ts.host_load_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_load_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_disk (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    device text,
    reads bigint,
    read_bytes bigint,
    read_time_ms bigint,
    writes bigint,
    write_bytes bigint,
    write_time_ms bigint,
    in_flight bigint,
    io_time_ms bigint,
    weighted_io_time_ms bigint
);
CREATE INDEX host_disk_instance_time ON ts.host_disk (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_disk', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_disk SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_disk', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_disk', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_disk_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       device AS device,
       sum(reads)::bigint AS reads,
       sum(read_bytes)::bigint AS read_bytes,
       sum(read_time_ms)::bigint AS read_time_ms,
       sum(writes)::bigint AS writes,
       sum(write_bytes)::bigint AS write_bytes,
       sum(write_time_ms)::bigint AS write_time_ms,
       avg(in_flight) AS in_flight_avg,
       min(in_flight) AS in_flight_min,
       max(in_flight) AS in_flight_max,
       last(in_flight, collected_at) AS in_flight_last,
       sum(io_time_ms)::bigint AS io_time_ms,
       sum(weighted_io_time_ms)::bigint AS weighted_io_time_ms
FROM ts.host_disk
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), device
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_disk_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_disk_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       device AS device,
       sum(reads)::bigint AS reads,
       sum(read_bytes)::bigint AS read_bytes,
       sum(read_time_ms)::bigint AS read_time_ms,
       sum(writes)::bigint AS writes,
       sum(write_bytes)::bigint AS write_bytes,
       sum(write_time_ms)::bigint AS write_time_ms,
       sum(in_flight_avg * samples) / nullif(sum(CASE WHEN in_flight_avg IS NOT NULL THEN samples END), 0) AS in_flight_avg,
       min(in_flight_min) AS in_flight_min,
       max(in_flight_max) AS in_flight_max,
       last(in_flight_last, bucket) AS in_flight_last,
       sum(io_time_ms)::bigint AS io_time_ms,
       sum(weighted_io_time_ms)::bigint AS weighted_io_time_ms
FROM ts.host_disk_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), device
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_disk_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_filesystem (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    path text,
    store text,
    type text,
    total_bytes bigint,
    used_bytes bigint,
    available_bytes bigint
);
CREATE INDEX host_filesystem_instance_time ON ts.host_filesystem (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_filesystem', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_filesystem SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_filesystem', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_filesystem', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_filesystem_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       path AS path,
       last(store, collected_at) AS store_last,
       last(type, collected_at) AS type_last,
       avg(total_bytes) AS total_bytes_avg,
       min(total_bytes) AS total_bytes_min,
       max(total_bytes) AS total_bytes_max,
       last(total_bytes, collected_at) AS total_bytes_last,
       avg(used_bytes) AS used_bytes_avg,
       min(used_bytes) AS used_bytes_min,
       max(used_bytes) AS used_bytes_max,
       last(used_bytes, collected_at) AS used_bytes_last,
       avg(available_bytes) AS available_bytes_avg,
       min(available_bytes) AS available_bytes_min,
       max(available_bytes) AS available_bytes_max,
       last(available_bytes, collected_at) AS available_bytes_last
FROM ts.host_filesystem
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), path
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_filesystem_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_filesystem_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       path AS path,
       last(store_last, bucket) AS store_last,
       last(type_last, bucket) AS type_last,
       sum(total_bytes_avg * samples) / nullif(sum(CASE WHEN total_bytes_avg IS NOT NULL THEN samples END), 0) AS total_bytes_avg,
       min(total_bytes_min) AS total_bytes_min,
       max(total_bytes_max) AS total_bytes_max,
       last(total_bytes_last, bucket) AS total_bytes_last,
       sum(used_bytes_avg * samples) / nullif(sum(CASE WHEN used_bytes_avg IS NOT NULL THEN samples END), 0) AS used_bytes_avg,
       min(used_bytes_min) AS used_bytes_min,
       max(used_bytes_max) AS used_bytes_max,
       last(used_bytes_last, bucket) AS used_bytes_last,
       sum(available_bytes_avg * samples) / nullif(sum(CASE WHEN available_bytes_avg IS NOT NULL THEN samples END), 0) AS available_bytes_avg,
       min(available_bytes_min) AS available_bytes_min,
       max(available_bytes_max) AS available_bytes_max,
       last(available_bytes_last, bucket) AS available_bytes_last
FROM ts.host_filesystem_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), path
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_filesystem_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.host_network (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    interface text,
    rx_bytes bigint,
    rx_packets bigint,
    rx_errors bigint,
    rx_dropped bigint,
    tx_bytes bigint,
    tx_packets bigint,
    tx_errors bigint,
    tx_dropped bigint
);
CREATE INDEX host_network_instance_time ON ts.host_network (instance_id, collected_at DESC);
SELECT create_hypertable('ts.host_network', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.host_network SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.host_network', INTERVAL '2 days');
SELECT add_retention_policy('ts.host_network', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.host_network_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       interface AS interface,
       sum(rx_bytes)::bigint AS rx_bytes,
       sum(rx_packets)::bigint AS rx_packets,
       sum(rx_errors)::bigint AS rx_errors,
       sum(rx_dropped)::bigint AS rx_dropped,
       sum(tx_bytes)::bigint AS tx_bytes,
       sum(tx_packets)::bigint AS tx_packets,
       sum(tx_errors)::bigint AS tx_errors,
       sum(tx_dropped)::bigint AS tx_dropped
FROM ts.host_network
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), interface
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_network_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.host_network_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       interface AS interface,
       sum(rx_bytes)::bigint AS rx_bytes,
       sum(rx_packets)::bigint AS rx_packets,
       sum(rx_errors)::bigint AS rx_errors,
       sum(rx_dropped)::bigint AS rx_dropped,
       sum(tx_bytes)::bigint AS tx_bytes,
       sum(tx_packets)::bigint AS tx_packets,
       sum(tx_errors)::bigint AS tx_errors,
       sum(tx_dropped)::bigint AS tx_dropped
FROM ts.host_network_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), interface
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.host_network_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.collector_health (
    instance_id bigint NOT NULL,
    collected_at timestamptz NOT NULL,
    interval_seconds double precision,
    family text,
    cycle_ms double precision,
    query_ms double precision,
    spool_depth bigint,
    send_latency_ms double precision,
    dropped_items bigint,
    errors bigint,
    skipped_ticks bigint
);
CREATE INDEX collector_health_instance_time ON ts.collector_health (instance_id, collected_at DESC);
SELECT create_hypertable('ts.collector_health', by_range('collected_at', INTERVAL '1 day'));
ALTER TABLE ts.collector_health SET (timescaledb.compress, timescaledb.compress_segmentby = 'instance_id', timescaledb.compress_orderby = 'collected_at DESC');
SELECT add_compression_policy('ts.collector_health', INTERVAL '2 days');
SELECT add_retention_policy('ts.collector_health', INTERVAL '14 days');
CREATE MATERIALIZED VIEW ts.collector_health_1m WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 minute', collected_at) AS bucket,
       count(*)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       family AS family,
       avg(cycle_ms) AS cycle_ms_avg,
       min(cycle_ms) AS cycle_ms_min,
       max(cycle_ms) AS cycle_ms_max,
       last(cycle_ms, collected_at) AS cycle_ms_last,
       avg(query_ms) AS query_ms_avg,
       min(query_ms) AS query_ms_min,
       max(query_ms) AS query_ms_max,
       last(query_ms, collected_at) AS query_ms_last,
       avg(spool_depth) AS spool_depth_avg,
       min(spool_depth) AS spool_depth_min,
       max(spool_depth) AS spool_depth_max,
       last(spool_depth, collected_at) AS spool_depth_last,
       avg(send_latency_ms) AS send_latency_ms_avg,
       min(send_latency_ms) AS send_latency_ms_min,
       max(send_latency_ms) AS send_latency_ms_max,
       last(send_latency_ms, collected_at) AS send_latency_ms_last,
       avg(dropped_items) AS dropped_items_avg,
       min(dropped_items) AS dropped_items_min,
       max(dropped_items) AS dropped_items_max,
       last(dropped_items, collected_at) AS dropped_items_last,
       avg(errors) AS errors_avg,
       min(errors) AS errors_min,
       max(errors) AS errors_max,
       last(errors, collected_at) AS errors_last,
       avg(skipped_ticks) AS skipped_ticks_avg,
       min(skipped_ticks) AS skipped_ticks_min,
       max(skipped_ticks) AS skipped_ticks_max,
       last(skipped_ticks, collected_at) AS skipped_ticks_last
FROM ts.collector_health
GROUP BY instance_id, time_bucket(INTERVAL '1 minute', collected_at), family
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.collector_health_1m', start_offset => INTERVAL '3 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');
CREATE MATERIALIZED VIEW ts.collector_health_1h WITH (timescaledb.continuous) AS
SELECT instance_id,
       time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       sum(samples)::integer AS samples,
       sum(interval_seconds) AS interval_seconds,
       family AS family,
       sum(cycle_ms_avg * samples) / nullif(sum(CASE WHEN cycle_ms_avg IS NOT NULL THEN samples END), 0) AS cycle_ms_avg,
       min(cycle_ms_min) AS cycle_ms_min,
       max(cycle_ms_max) AS cycle_ms_max,
       last(cycle_ms_last, bucket) AS cycle_ms_last,
       sum(query_ms_avg * samples) / nullif(sum(CASE WHEN query_ms_avg IS NOT NULL THEN samples END), 0) AS query_ms_avg,
       min(query_ms_min) AS query_ms_min,
       max(query_ms_max) AS query_ms_max,
       last(query_ms_last, bucket) AS query_ms_last,
       sum(spool_depth_avg * samples) / nullif(sum(CASE WHEN spool_depth_avg IS NOT NULL THEN samples END), 0) AS spool_depth_avg,
       min(spool_depth_min) AS spool_depth_min,
       max(spool_depth_max) AS spool_depth_max,
       last(spool_depth_last, bucket) AS spool_depth_last,
       sum(send_latency_ms_avg * samples) / nullif(sum(CASE WHEN send_latency_ms_avg IS NOT NULL THEN samples END), 0) AS send_latency_ms_avg,
       min(send_latency_ms_min) AS send_latency_ms_min,
       max(send_latency_ms_max) AS send_latency_ms_max,
       last(send_latency_ms_last, bucket) AS send_latency_ms_last,
       sum(dropped_items_avg * samples) / nullif(sum(CASE WHEN dropped_items_avg IS NOT NULL THEN samples END), 0) AS dropped_items_avg,
       min(dropped_items_min) AS dropped_items_min,
       max(dropped_items_max) AS dropped_items_max,
       last(dropped_items_last, bucket) AS dropped_items_last,
       sum(errors_avg * samples) / nullif(sum(CASE WHEN errors_avg IS NOT NULL THEN samples END), 0) AS errors_avg,
       min(errors_min) AS errors_min,
       max(errors_max) AS errors_max,
       last(errors_last, bucket) AS errors_last,
       sum(skipped_ticks_avg * samples) / nullif(sum(CASE WHEN skipped_ticks_avg IS NOT NULL THEN samples END), 0) AS skipped_ticks_avg,
       min(skipped_ticks_min) AS skipped_ticks_min,
       max(skipped_ticks_max) AS skipped_ticks_max,
       last(skipped_ticks_last, bucket) AS skipped_ticks_last
FROM ts.collector_health_1m
GROUP BY instance_id, time_bucket(INTERVAL '1 hour', bucket), family
WITH NO DATA;
SELECT add_continuous_aggregate_policy('ts.collector_health_1h', start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '15 minutes');

CREATE TABLE ts.statement_text (
    instance_id bigint NOT NULL,
    dbid bigint NOT NULL,
    queryid bigint NOT NULL,
    datname text,
    query text NOT NULL,
    first_seen_at timestamptz NOT NULL,
    PRIMARY KEY (instance_id, dbid, queryid)
);
