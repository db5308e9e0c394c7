package io.pganalytics.collector.catalog;

import java.util.List;

/**
 * The catalogue's SQL, as data: for each family, one query text per range of PostgreSQL majors. Every query
 * returns the family's columns in catalogue order (NULL where the version lacks a value), then its reset markers.
 * Per-database queries take their row limit as the only parameter.
 */
final class Queries {
    private Queries() {
    }

    static final int LATEST = 99;

    /** The primary's (or standby's) current WAL position; lazy in CASE so that no recovery-only function fails. */
    private static final String WAL_POSITION =
            "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END";

    static final List<SqlVariant> INSTANCE = List.of(SqlVariant.of(13, LATEST, """
            SELECT current_setting('server_version'), current_setting('server_version_num')::int8,
                   pg_postmaster_start_time(), extract(epoch FROM now() - pg_postmaster_start_time())::float8,
                   pg_is_in_recovery(), pg_conf_load_time(), current_setting('max_connections')::int8,
                   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int8,
                   (CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')
                         ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') END)::int8,
                   (CASE WHEN has_function_privilege('pg_control_checkpoint()', 'EXECUTE')
                         THEN (SELECT timeline_id FROM pg_control_checkpoint()) END)::int8
            """));

    static final String SETTINGS = """
            SELECT name, setting, unit, source, pending_restart FROM pg_settings WHERE name = ANY (?) ORDER BY name
            """;

    private static final String DATABASE_TAIL = """
                   (CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'MEMBER')
                         THEN pg_database_size(d.oid) END)::int8,
                   age(d.datfrozenxid)::int8, mxid_age(d.datminmxid)::int8, s.stats_reset
            FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
            WHERE d.datallowconn AND NOT d.datistemplate
            ORDER BY d.datname
            """;

    static final List<SqlVariant> DATABASE = List.of(
            SqlVariant.of(13, 13, """
                    SELECT d.datname, s.numbackends::int8, s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit,
                           s.tup_returned, s.tup_fetched, s.tup_inserted, s.tup_updated, s.tup_deleted, s.conflicts,
                           s.temp_files, s.temp_bytes, s.deadlocks, s.checksum_failures, s.blk_read_time, s.blk_write_time,
                           NULL::float8, NULL::float8, NULL::float8, NULL::int8, NULL::int8, NULL::int8, NULL::int8,
                    """ + DATABASE_TAIL),
            SqlVariant.of(14, LATEST, """
                    SELECT d.datname, s.numbackends::int8, s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit,
                           s.tup_returned, s.tup_fetched, s.tup_inserted, s.tup_updated, s.tup_deleted, s.conflicts,
                           s.temp_files, s.temp_bytes, s.deadlocks, s.checksum_failures, s.blk_read_time, s.blk_write_time,
                           s.session_time, s.active_time, s.idle_in_transaction_time, s.sessions, s.sessions_abandoned,
                           s.sessions_fatal, s.sessions_killed,
                    """ + DATABASE_TAIL));

    /**
     * Backends of the collector itself, left out of what it reports as the workload: its own session, and any other
     * session of the same role named {@code pganalytics-collector} (the pool's other connection, and a second collector
     * watching the instance with the same role). A client would have to log in as the collector's role and take its
     * application name to be hidden.
     */
    static final String NOT_OWN_SESSION = "a.pid <> pg_backend_pid() AND NOT (coalesce(a.application_name, '') = '"
            + io.pganalytics.collector.target.TargetConnections.APPLICATION_NAME
            + "' AND a.usename IS NOT DISTINCT FROM session_user)";

    /**
     * Seconds from a timestamp of pg_stat_activity to now, never negative. {@code clock_timestamp()}, not
     * {@code now()}: now() is the start of the collector's transaction, and a backend may begin after it.
     */
    static String secondsSince(String column) {
        return "(CASE WHEN " + column + " IS NOT NULL THEN greatest(extract(epoch FROM clock_timestamp() - " + column
                + ")::float8, 0) END)";
    }

    /** Per connectable database (zeros without clients, so that every sample leaves rows), client backends only. */
    static final List<SqlVariant> ACTIVITY = List.of(SqlVariant.of(13, LATEST, """
            SELECT d.datname::text, count(a.pid)::int8,
                   (count(*) FILTER (WHERE a.state = 'active'))::int8,
                   (count(*) FILTER (WHERE a.state = 'idle'))::int8,
                   (count(*) FILTER (WHERE a.state = 'idle in transaction'))::int8,
                   (count(*) FILTER (WHERE a.state = 'idle in transaction (aborted)'))::int8,
                   (count(*) FILTER (WHERE a.state = 'active' AND a.wait_event_type IS NOT NULL))::int8,
                   (count(*) FILTER (WHERE a.wait_event_type = 'Lock'))::int8,
                   max(%s)::float8,
                   (max(%s) FILTER (WHERE a.state = 'active'))::float8,
                   (max(%s) FILTER (WHERE a.state LIKE 'idle in transaction%%'))::float8,
                   max(age(a.backend_xmin))::int8
            FROM pg_database d
            LEFT JOIN pg_stat_activity a ON a.datid = d.oid AND a.backend_type = 'client backend' AND %s
            WHERE (d.datallowconn AND NOT d.datistemplate) OR a.pid IS NOT NULL
            GROUP BY d.datname
            ORDER BY d.datname
            """.formatted(secondsSince("a.xact_start"), secondsSince("a.query_start"), secondsSince("a.state_change"),
            NOT_OWN_SESSION)));

    /**
     * Wait-event samples. A backend running with no wait event is on CPU (the convention of pg_wait_sampling and of
     * AWS Performance Insights): active backends without an event are counted with NULL type and event, which the
     * server shows as {@code CPU}. Background processes count while they wait on anything but their idle loop.
     */
    static final List<SqlVariant> WAIT_EVENTS = List.of(SqlVariant.of(13, LATEST, """
            SELECT coalesce(a.datname, ''), a.backend_type, a.wait_event_type, a.wait_event, count(*)::int8
            FROM pg_stat_activity a
            WHERE %s
              AND (a.state = 'active'
                   OR (a.backend_type <> 'client backend' AND a.wait_event IS NOT NULL AND a.wait_event_type <> 'Activity'))
            GROUP BY 1, 2, 3, 4
            ORDER BY 5 DESC, 1, 2, 3, 4
            LIMIT 1000
            """.formatted(NOT_OWN_SESSION)));

    private static final String TABLES_HEAD = """
            WITH t AS (
              SELECT s.relid FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
              ORDER BY c.relpages DESC, s.relid LIMIT ?)
            SELECT current_database(), s.schemaname, s.relname, s.seq_scan, s.seq_tup_read, s.idx_scan, s.idx_tup_fetch,
                   s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd,
            """;
    private static final String TABLES_TAIL = """
                   s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count,
                   io.heap_blks_read, io.heap_blks_hit, io.idx_blks_read, io.idx_blks_hit,
                   io.toast_blks_read, io.toast_blks_hit, io.tidx_blks_read, io.tidx_blks_hit,
                   s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, s.n_ins_since_vacuum,
                   s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
                   pg_relation_size(s.relid), pg_total_relation_size(s.relid), pg_indexes_size(s.relid),
                   (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database())
            FROM t JOIN pg_stat_user_tables s ON s.relid = t.relid JOIN pg_statio_user_tables io ON io.relid = t.relid
            ORDER BY 2, 3
            """;

    static final List<SqlVariant> TABLES = List.of(
            SqlVariant.withMarkers(13, 15, 1, TABLES_HEAD + "       NULL::int8,\n" + TABLES_TAIL),
            SqlVariant.withMarkers(16, LATEST, 1, TABLES_HEAD + "       s.n_tup_newpage_upd,\n" + TABLES_TAIL));

    private static final String INDEXES_HEAD = """
            WITH i AS (
              SELECT s.indexrelid FROM pg_stat_user_indexes s JOIN pg_class c ON c.oid = s.indexrelid
              ORDER BY c.relpages DESC, s.indexrelid LIMIT ?)
            SELECT current_database(), s.schemaname, s.relname, s.indexrelname, s.idx_scan, s.idx_tup_read, s.idx_tup_fetch,
                   io.idx_blks_read, io.idx_blks_hit, pg_relation_size(s.indexrelid), x.indisvalid, x.indisunique, x.indisprimary,
            """;
    private static final String INDEXES_TAIL = """
                   (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database())
            FROM i JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
                   JOIN pg_statio_user_indexes io ON io.indexrelid = i.indexrelid
                   JOIN pg_index x ON x.indexrelid = i.indexrelid
            ORDER BY 2, 3, 4
            """;

    static final List<SqlVariant> INDEXES = List.of(
            SqlVariant.withMarkers(13, 15, 1, INDEXES_HEAD + "       NULL::timestamptz,\n" + INDEXES_TAIL),
            SqlVariant.withMarkers(16, LATEST, 1, INDEXES_HEAD + "       s.last_idx_scan,\n" + INDEXES_TAIL));

    static final List<SqlVariant> BGWRITER = List.of(
            SqlVariant.of(13, 16, """
                    SELECT checkpoints_timed, checkpoints_req, NULL::int8, NULL::int8, NULL::int8, NULL::int8,
                           checkpoint_write_time, checkpoint_sync_time, buffers_checkpoint, buffers_clean, maxwritten_clean,
                           buffers_backend, buffers_backend_fsync, buffers_alloc, stats_reset
                    FROM pg_stat_bgwriter
                    """),
            SqlVariant.withMarkers(17, 17, 1, """
                    SELECT c.num_timed, c.num_requested, NULL::int8, c.restartpoints_timed, c.restartpoints_req,
                           c.restartpoints_done, c.write_time, c.sync_time, c.buffers_written, b.buffers_clean,
                           b.maxwritten_clean, NULL::int8, NULL::int8, b.buffers_alloc, b.stats_reset, c.stats_reset
                    FROM pg_stat_bgwriter b, pg_stat_checkpointer c
                    """),
            SqlVariant.withMarkers(18, LATEST, 1, """
                    SELECT c.num_timed, c.num_requested, c.num_done, c.restartpoints_timed, c.restartpoints_req,
                           c.restartpoints_done, c.write_time, c.sync_time, c.buffers_written, b.buffers_clean,
                           b.maxwritten_clean, NULL::int8, NULL::int8, b.buffers_alloc, b.stats_reset, c.stats_reset
                    FROM pg_stat_bgwriter b, pg_stat_checkpointer c
                    """));

    static final List<SqlVariant> WAL = List.of(
            // 13 has no pg_stat_wal: the WAL position is a counter of the bytes written (primary only)
            SqlVariant.of(13, 13, """
                    SELECT NULL::int8, NULL::int8, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8, NULL::int8,
                           NULL::int8, NULL::int8, NULL::float8, NULL::float8, NULL::timestamptz
                    """),
            SqlVariant.of(14, 17, """
                    SELECT wal_records, wal_fpi, wal_bytes::int8, wal_buffers_full, wal_write, wal_sync,
                           wal_write_time, wal_sync_time, stats_reset
                    FROM pg_stat_wal
                    """),
            SqlVariant.of(18, LATEST, """
                    SELECT wal_records, wal_fpi, wal_bytes::int8, wal_buffers_full, NULL::int8, NULL::int8,
                           NULL::float8, NULL::float8, stats_reset
                    FROM pg_stat_wal
                    """));

    static final List<SqlVariant> IO = List.of(
            SqlVariant.of(16, 17, """
                    SELECT backend_type, object, context, reads, reads * op_bytes, read_time, writes, writes * op_bytes,
                           write_time, writebacks, writeback_time, extends, extends * op_bytes, extend_time, hits,
                           evictions, reuses, fsyncs, fsync_time, stats_reset
                    FROM pg_stat_io
                    ORDER BY 1, 2, 3
                    """),
            SqlVariant.of(18, LATEST, """
                    SELECT backend_type, object, context, reads, read_bytes::int8, read_time, writes, write_bytes::int8,
                           write_time, writebacks, writeback_time, extends, extend_bytes::int8, extend_time, hits,
                           evictions, reuses, fsyncs, fsync_time, stats_reset
                    FROM pg_stat_io
                    ORDER BY 1, 2, 3
                    """));

    static final List<SqlVariant> REPLICATION = List.of(SqlVariant.of(13, LATEST, """
            WITH pos AS (SELECT %s AS lsn)
            SELECT r.pid::int8, r.application_name, host(r.client_addr), r.state, r.sync_state,
                   pg_wal_lsn_diff(pos.lsn, r.sent_lsn)::int8, pg_wal_lsn_diff(pos.lsn, r.write_lsn)::int8,
                   pg_wal_lsn_diff(pos.lsn, r.flush_lsn)::int8, pg_wal_lsn_diff(pos.lsn, r.replay_lsn)::int8,
                   extract(epoch FROM r.write_lag)::float8, extract(epoch FROM r.flush_lag)::float8,
                   extract(epoch FROM r.replay_lag)::float8
            FROM pg_stat_replication r, pos
            ORDER BY 1
            """.formatted(WAL_POSITION)));

    static final List<SqlVariant> REPLICATION_SLOTS = List.of(SqlVariant.of(13, LATEST, """
            WITH pos AS (SELECT %s AS lsn)
            SELECT s.slot_name::text, s.slot_type, s.plugin::text, s.database::text, s.temporary, s.active, s.wal_status,
                   pg_wal_lsn_diff(pos.lsn, s.restart_lsn)::int8, s.safe_wal_size::int8,
                   age(s.xmin)::int8, age(s.catalog_xmin)::int8, pg_wal_lsn_diff(pos.lsn, s.confirmed_flush_lsn)::int8
            FROM pg_replication_slots s, pos
            ORDER BY 1
            """.formatted(WAL_POSITION)));

    static final List<SqlVariant> WAL_RECEIVER = List.of(SqlVariant.of(13, LATEST, """
            SELECT w.status, w.sender_host, w.sender_port::int8, w.slot_name, w.received_tli::int8,
                   pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::int8,
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
                   extract(epoch FROM now() - w.last_msg_receipt_time)::float8
            FROM pg_stat_wal_receiver w
            """));

    /**
     * pg_stat_archiver (the same columns on 13 to 18), archive_mode, the segment being written (not on a standby:
     * pg_walfile_name fails during recovery, hence the lazy CASE) and archive_timeout in seconds. Readable by any role.
     */
    static final List<SqlVariant> ARCHIVER = List.of(SqlVariant.of(13, LATEST, """
            SELECT current_setting('archive_mode'), a.archived_count, a.last_archived_wal, a.last_archived_time,
                   a.failed_count, a.last_failed_wal, a.last_failed_time, a.stats_reset,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_walfile_name(pg_current_wal_lsn()) END,
                   (SELECT setting::float8 FROM pg_settings WHERE name = 'archive_timeout'), pg_is_in_recovery()
            FROM pg_stat_archiver a
            """));

    /**
     * Locks: the raw rows of every backend that waits on a lock or holds one that another waits for; the
     * blocking chains are assembled in Java. Columns: pid, datname, usename, application_name, state,
     * wait_event_type, wait_event, blockers, xact seconds, wait seconds, query_id.
     */
    private static final String LOCKS_HEAD = """
            WITH w AS (
              SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()),
            b AS (SELECT pid FROM w WHERE cardinality(blockers) > 0 UNION SELECT unnest(blockers) FROM w)
            SELECT a.pid::int8, a.datname::text, a.usename::text, a.application_name, a.state, a.wait_event_type,
                   a.wait_event, array_to_string(w.blockers, ','), %s,
            """.formatted(secondsSince("a.xact_start"));
    private static final String LOCKS_TAIL = """
            FROM b JOIN pg_stat_activity a ON a.pid = b.pid LEFT JOIN w ON w.pid = a.pid
            ORDER BY 1
            LIMIT 2000
            """;

    static final List<SqlVariant> LOCKS = List.of(
            SqlVariant.of(13, 13, LOCKS_HEAD + """
                           CASE WHEN a.wait_event_type = 'Lock' THEN %s END,
                           NULL::int8
                    """.formatted(secondsSince("a.state_change")) + LOCKS_TAIL),
            SqlVariant.of(14, LATEST, LOCKS_HEAD + """
                           %s,
                           a.query_id
                    """.formatted(secondsSince("(SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted)"))
                    + LOCKS_TAIL));

    private static final String VACUUM_HEAD = """
            WITH p AS (SELECT * FROM pg_stat_progress_vacuum WHERE datname = current_database())
            SELECT current_database(), n.nspname::text, c.relname::text, age(c.relfrozenxid)::int8, mxid_age(c.relminmxid)::int8,
                   p.phase, p.heap_blks_total, p.heap_blks_scanned, p.heap_blks_vacuumed, p.index_vacuum_count,
            """;
    private static final String VACUUM_TAIL = """
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN p ON p.relid = c.oid
            WHERE c.relkind IN ('r', 'm', 't')
            ORDER BY (p.pid IS NOT NULL) DESC, age(c.relfrozenxid) DESC, c.oid
            LIMIT ?
            """;

    static final List<SqlVariant> VACUUM = List.of(
            SqlVariant.of(13, 16, VACUUM_HEAD
                    + "       p.num_dead_tuples, p.max_dead_tuples, NULL::int8, NULL::int8\n" + VACUUM_TAIL),
            SqlVariant.of(17, LATEST, VACUUM_HEAD
                    + "       p.num_dead_item_ids, NULL::int8, p.dead_tuple_bytes, p.max_dead_tuple_bytes\n" + VACUUM_TAIL));

    /** Databases whose per-database views are read: connectable, not templates, largest bounded by the caller. */
    static final String DATABASES = """
            SELECT datname FROM pg_database
            WHERE datallowconn AND NOT datistemplate AND has_database_privilege(oid, 'CONNECT')
            ORDER BY datname
            """;
}
