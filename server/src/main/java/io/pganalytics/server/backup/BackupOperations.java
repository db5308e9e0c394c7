package io.pganalytics.server.backup;

import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The runs of backups, verifications, restores and expiries (table {@code backup_operation}, migration 1.16), with
 * their progress, so that any node answers for a run of any node.
 * <p>
 * One run of each kind at a time, cluster-wide: {@link #start} inserts under the partial unique index
 * {@code ux_backup_operation_running}, so of concurrent requests one inserts and the others get the running run back.
 * The node that runs a run beats its {@code heartbeat_at}; a run whose node stopped beating for {@code operation-stale}
 * is failed by the next node that looks ({@link #failStale}), so that a dead node never blocks the next run forever.
 */
public final class BackupOperations {
    public static final String BACKUP = "backup";
    public static final String VERIFY = "verify";
    public static final String RESTORE = "restore";
    public static final String EXPIRE = "expire";
    /** The most rows one listing returns. */
    public static final int MAX_LIST = 1000;
    /** Progress is written at most this often (the phase at once when it changes). */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final int MAX_PHASE = 200;
    private static final int MAX_ERROR = 4000;
    private static final String COLUMNS = "id, kind, state, backup_id, phase, done_bytes, total_bytes, started_at, finished_at, error,"
            + " node_name, requested_by";

    private final DataSource dataSource;
    private final Clock clock;
    private final String nodeName;
    private final Duration stale;

    public BackupOperations(DataSource dataSource, Clock clock, String nodeName, Duration stale) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.nodeName = nodeName;
        this.stale = stale;
    }

    /**
     * Starts a run of {@code kind} on this node unless one runs already (on any node): then that one is returned with
     * {@code started = false}. A run left by a node that stopped is failed first.
     *
     * @param detail a small JSON object kept with the run ({@code {"backupKind":"full"}}); null for none
     */
    public OperationStarted start(String kind, String backupId, String requestedBy, String phase, String detail) {
        failStale();
        for (int attempt = 0; attempt < 5; attempt++) {
            Instant now = clock.instant();
            UUID id = UUID.randomUUID();
            boolean inserted = update("""
                    INSERT INTO backup_operation (id, kind, state, backup_id, phase, started_at, heartbeat_at, detail, node_name, requested_by)
                    VALUES (?, ?, 'running', ?, ?, ?, ?, ?::jsonb, ?, ?)
                    ON CONFLICT (kind) WHERE state = 'running' DO NOTHING""", st -> {
                st.setObject(1, id);
                st.setString(2, kind);
                st.setString(3, backupId);
                st.setString(4, bounded(phase, MAX_PHASE));
                st.setTimestamp(5, Timestamp.from(now));
                st.setTimestamp(6, Timestamp.from(now));
                st.setString(7, detail);
                st.setString(8, nodeName);
                st.setString(9, requestedBy);
            }) == 1;
            if (inserted) {
                return new OperationStarted(find(id).orElseThrow(), true);
            }
            Optional<OperationView> running = running(kind);
            if (running.isPresent()) {
                return new OperationStarted(running.get(), false);
            }
            // the running one finished between the insert and the read: try again
        }
        throw new IllegalStateException("backup operations: cannot start a " + kind + " run: runs of that kind keep starting and ending");
    }

    /** The run of {@code kind} in progress, on any node. */
    public Optional<OperationView> running(String kind) {
        return query("SELECT " + COLUMNS + " FROM backup_operation WHERE kind = ? AND state = 'running'", st -> st.setString(1, kind))
                .stream().findFirst();
    }

    /** Every run in progress, on any node. */
    public List<OperationView> running() {
        return query("SELECT " + COLUMNS + " FROM backup_operation WHERE state = 'running' ORDER BY started_at", st -> {
        });
    }

    public Optional<OperationView> find(UUID id) {
        return query("SELECT " + COLUMNS + " FROM backup_operation WHERE id = ?", st -> st.setObject(1, id)).stream().findFirst();
    }

    /** The newest runs first, at most {@code limit} (bounded by {@link #MAX_LIST}). */
    public List<OperationView> list(int limit) {
        return query("SELECT " + COLUMNS + " FROM backup_operation ORDER BY started_at DESC, id LIMIT ?",
                st -> st.setInt(1, Math.max(1, Math.min(limit, MAX_LIST))));
    }

    /** The newest run of {@code kind} whose detail holds {@code key = value} (any state); empty when none. */
    public Optional<OperationView> newest(String kind, String key, String value) {
        return query("SELECT " + COLUMNS + " FROM backup_operation WHERE kind = ? AND detail ->> ? = ? ORDER BY started_at DESC LIMIT 1",
                st -> {
                    st.setString(1, kind);
                    st.setString(2, key);
                    st.setString(3, value);
                }).stream().findFirst();
    }

    /** The newest finished run of {@code kind}; empty when none finished. */
    public Optional<OperationView> lastFinished(String kind) {
        return query("SELECT " + COLUMNS + " FROM backup_operation WHERE kind = ? AND state <> 'running' ORDER BY finished_at DESC LIMIT 1",
                st -> st.setString(1, kind)).stream().findFirst();
    }

    /** Beats a run of this node: it is alive. */
    public void heartbeat(UUID id) {
        update("UPDATE backup_operation SET heartbeat_at = ? WHERE id = ? AND state = 'running'", st -> {
            st.setTimestamp(1, Timestamp.from(clock.instant()));
            st.setObject(2, id);
        });
    }

    /** Names the backup a run works on (a backup run learns it once the engine has named it). */
    public void backupId(UUID id, String backupId) {
        update("UPDATE backup_operation SET backup_id = ? WHERE id = ?", st -> {
            st.setString(1, backupId);
            st.setObject(2, id);
        });
    }

    public void succeeded(UUID id, String backupId) {
        finish(id, OperationView.SUCCEEDED, backupId, null);
    }

    /** Ends a run as failed with {@code error} (bounded), for a person. */
    public void failed(UUID id, String error) {
        finish(id, OperationView.FAILED, null, error == null ? "failed" : error);
    }

    private void finish(UUID id, String state, String backupId, String error) {
        update("""
                UPDATE backup_operation SET state = ?, finished_at = ?, heartbeat_at = ?, backup_id = COALESCE(?, backup_id), error = ?,
                       phase = CASE WHEN ? = 'succeeded' THEN 'done' ELSE phase END,
                       done_bytes = CASE WHEN ? = 'succeeded' AND total_bytes IS NOT NULL THEN total_bytes ELSE done_bytes END
                WHERE id = ? AND state = 'running'""", st -> {
            Instant now = clock.instant();
            st.setString(1, state);
            st.setTimestamp(2, Timestamp.from(now));
            st.setTimestamp(3, Timestamp.from(now));
            st.setString(4, backupId);
            st.setString(5, bounded(error, MAX_ERROR));
            st.setString(6, state);
            st.setString(7, state);
            st.setObject(8, id);
        });
    }

    /**
     * Fails every run whose node has not beaten for {@code operation-stale}: that node stopped (or lost the database)
     * while it ran. Returns how many.
     */
    public int failStale() {
        Instant now = clock.instant();
        return update("""
                UPDATE backup_operation SET state = 'failed', finished_at = ?, error = 'node ' || node_name || ' stopped while it ran'
                WHERE state = 'running' AND heartbeat_at < ?""", st -> {
            st.setTimestamp(1, Timestamp.from(now));
            st.setTimestamp(2, Timestamp.from(now.minus(stale)));
        });
    }

    /**
     * Where run {@code id} reports: writes the phase at once when it changes and the bytes at most every
     * {@link #PROGRESS_EVERY}, each write also a heartbeat. A failed write is not the run's failure: it is skipped.
     */
    public Progress progress(UUID id) {
        return new Writer(id);
    }

    private final class Writer implements Progress {
        private final UUID id;
        private String phase;
        private long done;
        private long total = -1;
        /** When bytes were last written: a phase written in between does not hold the next bytes back. */
        private Instant bytesWritten = Instant.MIN;

        private Writer(UUID id) {
            this.id = id;
        }

        @Override
        public synchronized void phase(String phase) {
            boolean changed = !phase.equals(this.phase);
            this.phase = phase;
            if (changed) {
                write();
            }
        }

        @Override
        public synchronized void bytes(long done, long total) {
            this.done = Math.max(0, done);
            this.total = total;
            Instant now = clock.instant();
            if (!now.isBefore(bytesWritten.plus(PROGRESS_EVERY))) {
                bytesWritten = now;
                write();
            }
        }

        private void write() {
            Instant now = clock.instant();
            try {
                update("""
                        UPDATE backup_operation SET phase = COALESCE(?, phase), done_bytes = ?, total_bytes = ?, heartbeat_at = ?
                        WHERE id = ? AND state = 'running'""", st -> {
                    st.setString(1, phase == null ? null : bounded(phase, MAX_PHASE));
                    st.setLong(2, done);
                    if (total < 0) {
                        st.setNull(3, java.sql.Types.BIGINT);
                    } else {
                        st.setLong(3, total);
                    }
                    st.setTimestamp(4, Timestamp.from(now));
                    st.setObject(5, id);
                });
            } catch (IllegalStateException e) {
                org.slf4j.LoggerFactory.getLogger(BackupOperations.class).warn("backup operation {}: progress not recorded: {}", id, e.getMessage());
            }
        }
    }

    static String bounded(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup operations: " + e.getMessage(), e);
        }
    }

    private List<OperationView> query(String sql, Binder binder) {
        List<OperationView> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        result.add(view(rs));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup operations: " + e.getMessage(), e);
        }
        return result;
    }

    private static OperationView view(ResultSet rs) throws SQLException {
        return new OperationView(rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("state"), rs.getString("backup_id"),
                rs.getString("phase"), rs.getLong("done_bytes"), (Long) rs.getObject("total_bytes"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("error"), rs.getString("node_name"), rs.getString("requested_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
