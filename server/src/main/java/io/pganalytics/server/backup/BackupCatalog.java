package io.pganalytics.server.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.json.JsonMapping;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of backups and archived WAL (tables {@code backup} and {@code backup_wal}, migration 1.16), which both
 * engines write and the API reads. Every method is one short transaction of its own.
 */
public final class BackupCatalog {
    /** The most rows one listing returns. */
    public static final int MAX_LIST = 1000;
    private static final ObjectMapper JSON = JsonMapping.newMapper();
    private static final TypeReference<List<VerificationView.Check>> CHECKS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, engine, kind, parent_id, state, started_at, finished_at, consistent_at, size_bytes,"
            + " stored_bytes, wal_start, wal_stop, key_version, copied_at, verification, verified_at, verification_detail, error, requested_by";

    private final DataSource dataSource;

    public BackupCatalog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One archived WAL segment or timeline history file. */
    public record Wal(String name, int timeline, Instant archivedAt, long storedBytes, String sha256, String keyVersion,
                      Instant copiedAt) {
    }

    /** What a completed backup adds to its row. */
    public record Completion(Instant finishedAt, Instant consistentAt, long sizeBytes, long storedBytes, int timeline,
                             String lsnStart, String lsnStop, String walStart, String walStop, String keyVersion,
                             String manifestSha256) {
    }

    /** Records a backup that starts now. */
    public void started(String id, String engine, String kind, String parentId, Instant startedAt, String node, String requestedBy) {
        update("INSERT INTO backup (id, engine, kind, parent_id, state, started_at, node_name, requested_by) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
                st -> {
                    st.setString(1, id);
                    st.setString(2, engine);
                    st.setString(3, kind);
                    st.setString(4, parentId);
                    st.setTimestamp(5, Timestamp.from(startedAt));
                    st.setString(6, node);
                    st.setString(7, requestedBy);
                });
    }

    public void completed(String id, Completion c) {
        update("""
                UPDATE backup SET state = 'complete', finished_at = ?, consistent_at = ?, size_bytes = ?, stored_bytes = ?, timeline = ?,
                       lsn_start = ?, lsn_stop = ?, wal_start = ?, wal_stop = ?, key_version = ?, manifest_sha256 = ?, error = NULL
                WHERE id = ?""", st -> {
            st.setTimestamp(1, Timestamp.from(c.finishedAt()));
            st.setTimestamp(2, Timestamp.from(c.consistentAt()));
            st.setLong(3, c.sizeBytes());
            st.setLong(4, c.storedBytes());
            st.setInt(5, c.timeline());
            st.setString(6, c.lsnStart());
            st.setString(7, c.lsnStop());
            st.setString(8, c.walStart());
            st.setString(9, c.walStop());
            st.setString(10, c.keyVersion());
            st.setString(11, c.manifestSha256());
            st.setString(12, id);
        });
    }

    /**
     * Gives a running row the name, kind and parent its engine settled on (pgBackRest names a backup itself, and takes a
     * full one when a differential is asked with no full backup to build on).
     */
    public void relabel(String id, String newId, String kind, String parentId) {
        update("UPDATE backup SET id = ?, kind = ?, parent_id = ? WHERE id = ?", st -> {
            st.setString(1, newId);
            st.setString(2, kind);
            st.setString(3, parentId);
            st.setString(4, id);
        });
    }

    public void failed(String id, Instant at, String error) {
        update("UPDATE backup SET state = 'failed', finished_at = ?, error = ? WHERE id = ?", st -> {
            st.setTimestamp(1, Timestamp.from(at));
            st.setString(2, truncate(error));
            st.setString(3, id);
        });
    }

    public void expired(String id) {
        update("UPDATE backup SET state = 'expired' WHERE id = ?", st -> st.setString(1, id));
    }

    /** Inserts or replaces a row as another catalogue knows it (pgBackRest's {@code info}). */
    public void mirror(BackupView view, String node) {
        update("""
                INSERT INTO backup (id, engine, kind, parent_id, state, started_at, finished_at, consistent_at, size_bytes, stored_bytes,
                                    wal_start, wal_stop, key_version, node_name, requested_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, finished_at = excluded.finished_at,
                    consistent_at = excluded.consistent_at, size_bytes = excluded.size_bytes, stored_bytes = excluded.stored_bytes,
                    wal_start = excluded.wal_start, wal_stop = excluded.wal_stop, key_version = excluded.key_version""", st -> {
            st.setString(1, view.id());
            st.setString(2, view.engine());
            st.setString(3, view.kind());
            st.setString(4, view.parentId());
            st.setString(5, view.state());
            st.setTimestamp(6, Timestamp.from(view.startedAt()));
            setInstant(st, 7, view.finishedAt());
            setInstant(st, 8, view.consistentAt());
            setLong(st, 9, view.sizeBytes());
            setLong(st, 10, view.storedBytes());
            st.setString(11, view.walStart());
            st.setString(12, view.walStop());
            st.setString(13, view.keyVersion());
            st.setString(14, node);
            st.setString(15, view.requestedBy() == null ? "schedule" : view.requestedBy());
        });
    }

    public void verification(String id, String state, Instant at, List<VerificationView.Check> checks) {
        update("UPDATE backup SET verification = ?, verified_at = ?, verification_detail = ?::jsonb WHERE id = ?", st -> {
            st.setString(1, state);
            setInstant(st, 2, at);
            st.setString(3, json(checks));
            st.setString(4, id);
        });
    }

    public void copied(String id, Instant at) {
        update("UPDATE backup SET copied_at = ? WHERE id = ?", st -> {
            st.setTimestamp(1, Timestamp.from(at));
            st.setString(2, id);
        });
    }

    /** The newest backups first, at most {@code limit} (bounded by {@link #MAX_LIST}). */
    public List<BackupView> list(int limit) {
        return query("SELECT " + COLUMNS + " FROM backup ORDER BY started_at DESC, id DESC LIMIT ?",
                st -> st.setInt(1, Math.max(1, Math.min(limit, MAX_LIST))));
    }

    /** Complete backups, oldest first. */
    public List<BackupView> complete() {
        return query("SELECT " + COLUMNS + " FROM backup WHERE state = 'complete' ORDER BY consistent_at, id LIMIT " + MAX_LIST, st -> {
        });
    }

    public Optional<BackupView> find(String id) {
        return query("SELECT " + COLUMNS + " FROM backup WHERE id = ?", st -> st.setString(1, id)).stream().findFirst();
    }

    public void wal(Wal wal) {
        update("""
                INSERT INTO backup_wal (name, timeline, archived_at, stored_bytes, sha256, key_version) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET archived_at = excluded.archived_at, stored_bytes = excluded.stored_bytes,
                    sha256 = excluded.sha256, key_version = excluded.key_version, copied_at = NULL""", st -> {
            st.setString(1, wal.name());
            st.setInt(2, wal.timeline());
            st.setTimestamp(3, Timestamp.from(wal.archivedAt()));
            st.setLong(4, wal.storedBytes());
            st.setString(5, wal.sha256());
            st.setString(6, wal.keyVersion());
        });
    }

    /** Archived WAL from {@code fromName} on (inclusive; empty: all), in name order. */
    public List<Wal> walFrom(String fromName) {
        List<Wal> result = new ArrayList<>();
        run("SELECT name, timeline, archived_at, stored_bytes, sha256, key_version, copied_at FROM backup_wal WHERE name >= ? ORDER BY name",
                st -> st.setString(1, fromName == null ? "" : fromName), rs -> {
                    while (rs.next()) {
                        result.add(new Wal(rs.getString(1), rs.getInt(2), instant(rs, 3), rs.getLong(4), rs.getString(5), rs.getString(6),
                                instant(rs, 7)));
                    }
                });
        return result;
    }

    public void walCopied(Collection<String> names, Instant at) {
        if (names.isEmpty()) {
            return;
        }
        update("UPDATE backup_wal SET copied_at = ? WHERE name = ANY (?)", st -> {
            st.setTimestamp(1, Timestamp.from(at));
            st.setArray(2, st.getConnection().createArrayOf("varchar", names.toArray()));
        });
    }

    public void walDeleted(Collection<String> names) {
        if (names.isEmpty()) {
            return;
        }
        update("DELETE FROM backup_wal WHERE name = ANY (?)", st -> st.setArray(1, st.getConnection().createArrayOf("varchar", names.toArray())));
    }

    private List<BackupView> query(String sql, Binder binder) {
        List<BackupView> result = new ArrayList<>();
        run(sql, binder, rs -> {
            while (rs.next()) {
                result.add(view(rs));
            }
        });
        return result;
    }

    private static BackupView view(ResultSet rs) throws SQLException {
        List<VerificationView.Check> checks = List.of();
        String detail = rs.getString("verification_detail");
        if (detail != null) {
            try {
                checks = JSON.readValue(detail, CHECKS);
            } catch (JsonProcessingException e) {
                checks = List.of(new VerificationView.Check("record", false, "the stored verification detail does not read: " + e.getOriginalMessage()));
            }
        }
        return new BackupView(rs.getString("id"), rs.getString("engine"), rs.getString("kind"), rs.getString("parent_id"),
                rs.getString("state"), instant(rs, "started_at"), instant(rs, "finished_at"), instant(rs, "consistent_at"),
                (Long) rs.getObject("size_bytes"), (Long) rs.getObject("stored_bytes"), rs.getString("wal_start"), rs.getString("wal_stop"),
                rs.getString("key_version"), instant(rs, "copied_at"),
                new VerificationView(rs.getString("verification"), instant(rs, "verified_at"), checks),
                rs.getString("error"), rs.getString("requested_by"));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader {
        void read(ResultSet rs) throws SQLException;
    }

    private void update(String sql, Binder binder) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                statement.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup catalogue: " + e.getMessage(), e);
        }
    }

    private void run(String sql, Binder binder, Reader reader) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rs = statement.executeQuery()) {
                    reader.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup catalogue: " + e.getMessage(), e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static void setInstant(PreparedStatement st, int index, Instant value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            st.setTimestamp(index, Timestamp.from(value));
        }
    }

    private static void setLong(PreparedStatement st, int index, Long value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.BIGINT);
        } else {
            st.setLong(index, value);
        }
    }
}
