package io.pganalytics.common.catalog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.pganalytics.common.catalog.Column.counter;
import static io.pganalytics.common.catalog.Column.gauge;
import static io.pganalytics.common.catalog.Column.key;
import static io.pganalytics.common.catalog.Column.label;
import static io.pganalytics.common.catalog.ColumnType.BOOL;
import static io.pganalytics.common.catalog.ColumnType.FLOAT8;
import static io.pganalytics.common.catalog.ColumnType.INT8;
import static io.pganalytics.common.catalog.ColumnType.TEXT;
import static io.pganalytics.common.catalog.ColumnType.TIMESTAMPTZ;

/**
 * Every metric family, with its columns in wire order. Changing a family's columns is a wire change: append
 * columns at the end and bump {@link #VERSION}; never reorder, rename or retype.
 * <p>
 * Times are in milliseconds where PostgreSQL counts milliseconds ({@code *_time} counters) and in seconds
 * where the name says {@code _seconds}; sizes in bytes ({@code _bytes}).
 */
public final class MetricCatalog {
    /** The catalogue's revision; the wire's {@code MetricBatch.SCHEMA_VERSION} covers it. */
    public static final int VERSION = 1;

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** Server identity and state, one row. */
    public static final Family INSTANCE = new Family("instance", MINUTE, List.of(
            label("server_version", TEXT),
            label("server_version_num", INT8),
            label("start_time", TIMESTAMPTZ),
            gauge("uptime_seconds", FLOAT8),
            gauge("in_recovery", BOOL),
            label("conf_load_time", TIMESTAMPTZ),
            gauge("max_connections", INT8),
            gauge("connections", INT8),
            gauge("wal_lsn_bytes", INT8),
            gauge("timeline_id", INT8)));

    /** Key settings; sent when one changed and at least hourly (the interval is that hour). */
    public static final Family SETTINGS = new Family("settings", Duration.ofHours(1), List.of(
            key("name", TEXT),
            label("setting", TEXT),
            label("unit", TEXT),
            label("source", TEXT),
            gauge("pending_restart", BOOL)));

    /** pg_stat_database plus size and frozen-XID age, one row per database. */
    public static final Family DATABASE = new Family("database", MINUTE, List.of(
            key("datname", TEXT),
            gauge("numbackends", INT8),
            counter("xact_commit", INT8),
            counter("xact_rollback", INT8),
            counter("blks_read", INT8),
            counter("blks_hit", INT8),
            counter("tup_returned", INT8),
            counter("tup_fetched", INT8),
            counter("tup_inserted", INT8),
            counter("tup_updated", INT8),
            counter("tup_deleted", INT8),
            counter("conflicts", INT8),
            counter("temp_files", INT8),
            counter("temp_bytes", INT8),
            counter("deadlocks", INT8),
            counter("checksum_failures", INT8),
            counter("blk_read_time", FLOAT8),
            counter("blk_write_time", FLOAT8),
            counter("session_time", FLOAT8),
            counter("active_time", FLOAT8),
            counter("idle_in_transaction_time", FLOAT8),
            counter("sessions", INT8),
            counter("sessions_abandoned", INT8),
            counter("sessions_fatal", INT8),
            counter("sessions_killed", INT8),
            gauge("size_bytes", INT8),
            gauge("datfrozenxid_age", INT8),
            gauge("datminmxid_age", INT8),
            label("stats_reset", TIMESTAMPTZ)));

    /** pg_stat_activity summarised per database (client backends only). */
    public static final Family ACTIVITY = new Family("activity", TEN_SECONDS, List.of(
            key("datname", TEXT),
            gauge("total", INT8),
            gauge("active", INT8),
            gauge("idle", INT8),
            gauge("idle_in_transaction", INT8),
            gauge("idle_in_transaction_aborted", INT8),
            gauge("waiting", INT8),
            gauge("lock_waiting", INT8),
            gauge("longest_transaction_seconds", FLOAT8),
            gauge("longest_query_seconds", FLOAT8),
            gauge("longest_idle_in_transaction_seconds", FLOAT8),
            gauge("oldest_xmin_age", INT8)));

    /** Wait-event samples: how many backends were waiting on each event at the sample. */
    public static final Family WAIT_EVENTS = new Family("wait_events", TEN_SECONDS, List.of(
            key("datname", TEXT),
            key("backend_type", TEXT),
            key("wait_event_type", TEXT),
            key("wait_event", TEXT),
            gauge("backends", INT8)));

    /** pg_stat_statements deltas: the top N by total time, plus one "other" row (queryid 0) summing the rest. */
    public static final Family STATEMENTS = new Family("statements", MINUTE, List.of(
            key("dbid", INT8),
            key("userid", INT8),
            key("queryid", INT8),
            key("toplevel", BOOL),
            label("datname", TEXT),
            label("username", TEXT),
            counter("calls", INT8),
            counter("total_exec_time", FLOAT8),
            counter("rows", INT8),
            counter("shared_blks_hit", INT8),
            counter("shared_blks_read", INT8),
            counter("shared_blks_dirtied", INT8),
            counter("shared_blks_written", INT8),
            counter("local_blks_hit", INT8),
            counter("local_blks_read", INT8),
            counter("local_blks_dirtied", INT8),
            counter("local_blks_written", INT8),
            counter("temp_blks_read", INT8),
            counter("temp_blks_written", INT8),
            counter("shared_blk_read_time", FLOAT8),
            counter("shared_blk_write_time", FLOAT8),
            counter("temp_blk_read_time", FLOAT8),
            counter("temp_blk_write_time", FLOAT8),
            counter("plans", INT8),
            counter("total_plan_time", FLOAT8),
            counter("wal_records", INT8),
            counter("wal_fpi", INT8),
            counter("wal_bytes", INT8)));

    /** Normalised query texts, sent once per (database, queryid) when the id first appears in a statements snapshot. */
    public static final Family STATEMENT_TEXTS = new Family("statement_texts", MINUTE, List.of(
            key("dbid", INT8),
            key("queryid", INT8),
            label("datname", TEXT),
            label("query", TEXT)));

    /** pg_stat_user_tables + pg_statio_user_tables + sizes, per database. */
    public static final Family TABLES = new Family("tables", FIVE_MINUTES, List.of(
            key("datname", TEXT),
            key("schemaname", TEXT),
            key("relname", TEXT),
            counter("seq_scan", INT8),
            counter("seq_tup_read", INT8),
            counter("idx_scan", INT8),
            counter("idx_tup_fetch", INT8),
            counter("n_tup_ins", INT8),
            counter("n_tup_upd", INT8),
            counter("n_tup_del", INT8),
            counter("n_tup_hot_upd", INT8),
            counter("n_tup_newpage_upd", INT8),
            counter("vacuum_count", INT8),
            counter("autovacuum_count", INT8),
            counter("analyze_count", INT8),
            counter("autoanalyze_count", INT8),
            counter("heap_blks_read", INT8),
            counter("heap_blks_hit", INT8),
            counter("idx_blks_read", INT8),
            counter("idx_blks_hit", INT8),
            counter("toast_blks_read", INT8),
            counter("toast_blks_hit", INT8),
            counter("tidx_blks_read", INT8),
            counter("tidx_blks_hit", INT8),
            gauge("n_live_tup", INT8),
            gauge("n_dead_tup", INT8),
            gauge("n_mod_since_analyze", INT8),
            gauge("n_ins_since_vacuum", INT8),
            gauge("last_vacuum", TIMESTAMPTZ),
            gauge("last_autovacuum", TIMESTAMPTZ),
            gauge("last_analyze", TIMESTAMPTZ),
            gauge("last_autoanalyze", TIMESTAMPTZ),
            gauge("table_bytes", INT8),
            gauge("total_bytes", INT8),
            gauge("indexes_bytes", INT8)));

    /** pg_stat_user_indexes + pg_statio_user_indexes + size and validity, per database. */
    public static final Family INDEXES = new Family("indexes", FIVE_MINUTES, List.of(
            key("datname", TEXT),
            key("schemaname", TEXT),
            key("relname", TEXT),
            key("indexrelname", TEXT),
            counter("idx_scan", INT8),
            counter("idx_tup_read", INT8),
            counter("idx_tup_fetch", INT8),
            counter("idx_blks_read", INT8),
            counter("idx_blks_hit", INT8),
            gauge("size_bytes", INT8),
            gauge("is_valid", BOOL),
            label("is_unique", BOOL),
            label("is_primary", BOOL),
            gauge("last_idx_scan", TIMESTAMPTZ)));

    /** pg_stat_bgwriter, and pg_stat_checkpointer on 17+ (mapped to the pre-17 names). */
    public static final Family BGWRITER = new Family("bgwriter", MINUTE, List.of(
            counter("checkpoints_timed", INT8),
            counter("checkpoints_req", INT8),
            counter("checkpoints_done", INT8),
            counter("restartpoints_timed", INT8),
            counter("restartpoints_req", INT8),
            counter("restartpoints_done", INT8),
            counter("checkpoint_write_time", FLOAT8),
            counter("checkpoint_sync_time", FLOAT8),
            counter("buffers_checkpoint", INT8),
            counter("buffers_clean", INT8),
            counter("maxwritten_clean", INT8),
            counter("buffers_backend", INT8),
            counter("buffers_backend_fsync", INT8),
            counter("buffers_alloc", INT8),
            label("stats_reset", TIMESTAMPTZ)));

    /** pg_stat_wal (14+); on 13 only wal_bytes, from the WAL position. */
    public static final Family WAL = new Family("wal", MINUTE, List.of(
            counter("wal_records", INT8),
            counter("wal_fpi", INT8),
            counter("wal_bytes", INT8),
            counter("wal_buffers_full", INT8),
            counter("wal_write", INT8),
            counter("wal_sync", INT8),
            counter("wal_write_time", FLOAT8),
            counter("wal_sync_time", FLOAT8),
            label("stats_reset", TIMESTAMPTZ)));

    /** pg_stat_io (16+), one row per (backend_type, object, context). */
    public static final Family IO = new Family("io", MINUTE, List.of(
            key("backend_type", TEXT),
            key("object", TEXT),
            key("context", TEXT),
            counter("reads", INT8),
            counter("read_bytes", INT8),
            counter("read_time", FLOAT8),
            counter("writes", INT8),
            counter("write_bytes", INT8),
            counter("write_time", FLOAT8),
            counter("writebacks", INT8),
            counter("writeback_time", FLOAT8),
            counter("extends", INT8),
            counter("extend_bytes", INT8),
            counter("extend_time", FLOAT8),
            counter("hits", INT8),
            counter("evictions", INT8),
            counter("reuses", INT8),
            counter("fsyncs", INT8),
            counter("fsync_time", FLOAT8),
            label("stats_reset", TIMESTAMPTZ)));

    /** pg_stat_replication: one row per WAL sender, with lag in bytes and seconds. */
    public static final Family REPLICATION = new Family("replication", MINUTE, List.of(
            key("pid", INT8),
            label("application_name", TEXT),
            label("client_addr", TEXT),
            label("state", TEXT),
            label("sync_state", TEXT),
            gauge("sent_lag_bytes", INT8),
            gauge("write_lag_bytes", INT8),
            gauge("flush_lag_bytes", INT8),
            gauge("replay_lag_bytes", INT8),
            gauge("write_lag_seconds", FLOAT8),
            gauge("flush_lag_seconds", FLOAT8),
            gauge("replay_lag_seconds", FLOAT8)));

    /** pg_replication_slots with the WAL each slot retains. */
    public static final Family REPLICATION_SLOTS = new Family("replication_slots", MINUTE, List.of(
            key("slot_name", TEXT),
            label("slot_type", TEXT),
            label("plugin", TEXT),
            label("database", TEXT),
            label("temporary", BOOL),
            gauge("active", BOOL),
            label("wal_status", TEXT),
            gauge("retained_wal_bytes", INT8),
            gauge("safe_wal_size_bytes", INT8),
            gauge("xmin_age", INT8),
            gauge("catalog_xmin_age", INT8),
            gauge("confirmed_flush_lag_bytes", INT8)));

    /** pg_stat_wal_receiver on a standby (no row on a primary). */
    public static final Family WAL_RECEIVER = new Family("wal_receiver", MINUTE, List.of(
            label("status", TEXT),
            label("sender_host", TEXT),
            label("sender_port", INT8),
            label("slot_name", TEXT),
            gauge("received_tli", INT8),
            gauge("replay_lag_bytes", INT8),
            gauge("replay_delay_seconds", FLOAT8),
            gauge("last_msg_age_seconds", FLOAT8)));

    /** Blocking chains: one row per backend waiting on a lock held by another (pg_blocking_pids). */
    public static final Family LOCKS = new Family("locks", TEN_SECONDS, List.of(
            key("pid", INT8),
            label("datname", TEXT),
            label("usename", TEXT),
            label("application_name", TEXT),
            label("wait_event_type", TEXT),
            label("wait_event", TEXT),
            label("blocking_pids", TEXT),
            label("root_pid", INT8),
            label("root_state", TEXT),
            label("root_application_name", TEXT),
            label("query_id", INT8),
            gauge("wait_seconds", FLOAT8),
            gauge("chain_depth", INT8),
            gauge("root_transaction_seconds", FLOAT8)));

    /** Per table: transaction-ID age, and pg_stat_progress_vacuum while a vacuum runs on it; per database. */
    public static final Family VACUUM = new Family("vacuum", MINUTE, List.of(
            key("datname", TEXT),
            key("schemaname", TEXT),
            key("relname", TEXT),
            gauge("xid_age", INT8),
            gauge("mxid_age", INT8),
            label("phase", TEXT),
            gauge("heap_blks_total", INT8),
            gauge("heap_blks_scanned", INT8),
            gauge("heap_blks_vacuumed", INT8),
            gauge("index_vacuum_count", INT8),
            gauge("dead_items", INT8),
            gauge("max_dead_items", INT8),
            gauge("dead_item_bytes", INT8),
            gauge("max_dead_item_bytes", INT8)));

    /**
     * pg_stat_archiver plus {@code archive_mode}: the monitored database's own WAL archiving (its DBAs' backups).
     * The counts are sent as read (cumulative since {@code stats_reset}), not as deltas, because what matters is the
     * state: the last success and the last failure. {@code current_wal} is the segment being written
     * ({@code pg_walfile_name(pg_current_wal_lsn())}, NULL on a standby), which tells whether completed segments wait.
     */
    public static final Family ARCHIVER = new Family("archiver", MINUTE, List.of(
            label("archive_mode", TEXT),
            gauge("archived_count", INT8),
            label("last_archived_wal", TEXT),
            gauge("last_archived_time", TIMESTAMPTZ),
            gauge("failed_count", INT8),
            label("last_failed_wal", TEXT),
            gauge("last_failed_time", TIMESTAMPTZ),
            label("stats_reset", TIMESTAMPTZ),
            label("current_wal", TEXT),
            gauge("archive_timeout_seconds", FLOAT8),
            gauge("in_recovery", BOOL)));

    /** /proc/stat: CPU seconds per mode, all CPUs together. */
    public static final Family HOST_CPU = new Family("host_cpu", MINUTE, List.of(
            gauge("cpus", INT8),
            counter("user_seconds", FLOAT8),
            counter("nice_seconds", FLOAT8),
            counter("system_seconds", FLOAT8),
            counter("idle_seconds", FLOAT8),
            counter("iowait_seconds", FLOAT8),
            counter("irq_seconds", FLOAT8),
            counter("softirq_seconds", FLOAT8),
            counter("steal_seconds", FLOAT8),
            counter("context_switches", INT8)));

    /** /proc/meminfo. */
    public static final Family HOST_MEMORY = new Family("host_memory", MINUTE, List.of(
            gauge("total_bytes", INT8),
            gauge("free_bytes", INT8),
            gauge("available_bytes", INT8),
            gauge("buffers_bytes", INT8),
            gauge("cached_bytes", INT8),
            gauge("shmem_bytes", INT8),
            gauge("dirty_bytes", INT8),
            gauge("swap_total_bytes", INT8),
            gauge("swap_free_bytes", INT8),
            gauge("huge_pages_total", INT8),
            gauge("huge_pages_free", INT8)));

    /** /proc/loadavg. */
    public static final Family HOST_LOAD = new Family("host_load", MINUTE, List.of(
            gauge("load1", FLOAT8),
            gauge("load5", FLOAT8),
            gauge("load15", FLOAT8),
            gauge("running", INT8),
            gauge("processes", INT8)));

    /** /proc/diskstats per block device (partitions and virtual devices excluded). */
    public static final Family HOST_DISK = new Family("host_disk", MINUTE, List.of(
            key("device", TEXT),
            counter("reads", INT8),
            counter("read_bytes", INT8),
            counter("read_time_ms", INT8),
            counter("writes", INT8),
            counter("write_bytes", INT8),
            counter("write_time_ms", INT8),
            gauge("in_flight", INT8),
            counter("io_time_ms", INT8),
            counter("weighted_io_time_ms", INT8)));

    /** Usage of the file systems holding the data directory (and the WAL directory when readable). */
    public static final Family HOST_FILESYSTEM = new Family("host_filesystem", MINUTE, List.of(
            key("path", TEXT),
            label("store", TEXT),
            label("type", TEXT),
            gauge("total_bytes", INT8),
            gauge("used_bytes", INT8),
            gauge("available_bytes", INT8)));

    /** /proc/net/dev per interface (loopback excluded). */
    public static final Family HOST_NETWORK = new Family("host_network", MINUTE, List.of(
            key("interface", TEXT),
            counter("rx_bytes", INT8),
            counter("rx_packets", INT8),
            counter("rx_errors", INT8),
            counter("rx_dropped", INT8),
            counter("tx_bytes", INT8),
            counter("tx_packets", INT8),
            counter("tx_errors", INT8),
            counter("tx_dropped", INT8)));

    /**
     * The collector's own health, one row per family it collects (and one row with family {@code _shipper} for
     * the spool and shipper). Values cover the interval since the previous health row.
     */
    public static final Family COLLECTOR_HEALTH = new Family("collector_health", MINUTE, List.of(
            key("family", TEXT),
            gauge("cycle_ms", FLOAT8),
            gauge("query_ms", FLOAT8),
            gauge("spool_depth", INT8),
            gauge("send_latency_ms", FLOAT8),
            gauge("dropped_items", INT8),
            gauge("errors", INT8),
            gauge("skipped_ticks", INT8)));

    /** Every family, in a stable order. */
    public static final List<Family> ALL = List.of(
            INSTANCE, SETTINGS, DATABASE, ACTIVITY, WAIT_EVENTS, STATEMENTS, STATEMENT_TEXTS, TABLES, INDEXES,
            BGWRITER, WAL, IO, REPLICATION, REPLICATION_SLOTS, WAL_RECEIVER, LOCKS, VACUUM, ARCHIVER,
            HOST_CPU, HOST_MEMORY, HOST_LOAD, HOST_DISK, HOST_FILESYSTEM, HOST_NETWORK, COLLECTOR_HEALTH);

    private static final Map<String, Family> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Family::name, Function.identity()));

    private MetricCatalog() {
    }

    /** The family of that name, if the catalogue has one. */
    public static Optional<Family> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The names of every family. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        ALL.forEach(f -> names.add(f.name()));
        return List.copyOf(names);
    }
}
