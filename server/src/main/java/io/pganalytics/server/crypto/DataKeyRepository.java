package io.pganalytics.server.crypto;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** The only place that queries {@code crypto_data_key}. */
final class DataKeyRepository {
    private static final long CREATE_LOCK = 0x7067615f64656b73L; // "pga_deks"
    private static final String READ_FAILED = "data keys: cannot read crypto_data_key";
    private static final String COLUMNS = "id, state, kek_kind, kek_location, kek_version, wrapped, created_at, created_by, retired_at";

    private final DataSource dataSource;

    DataKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A data key's row; {@code wrapped} is null once retired. */
    record Row(int id, String state, String kekKind, String kekLocation, int kekVersion, byte[] wrapped, Instant createdAt,
               String createdBy, Instant retiredAt) {
        boolean current() {
            return "current".equals(state);
        }

        boolean retired() {
            return "retired".equals(state);
        }
    }

    /** The wrapping of a new data key, given the id it will have. */
    record NewKey(String kekKind, String kekLocation, int kekVersion, IntFunction<byte[]> wrapForId) {
    }

    Optional<Row> current() {
        return one("SELECT " + COLUMNS + " FROM crypto_data_key WHERE state = 'current'");
    }

    Optional<Row> find(int id) {
        return one("SELECT " + COLUMNS + " FROM crypto_data_key WHERE id = " + id);
    }

    List<Row> all() {
        return list("SELECT " + COLUMNS + " FROM crypto_data_key ORDER BY id");
    }

    /**
     * Makes a new data key current and the previous current one active, in one transaction under an advisory lock;
     * when {@code onlyIfNone} and a current key already exists (another node made it), changes nothing and returns it.
     */
    Row createCurrent(NewKey key, String node, Instant now, boolean onlyIfNone) {
        return createCurrent(key, node, now, onlyIfNone, Jdbc.Then.nothing());
    }

    /** As {@link #createCurrent(NewKey, String, Instant, boolean)}, running {@code then} with a new key before the commit. */
    Row createCurrent(NewKey key, String node, Instant now, boolean onlyIfNone, Jdbc.Then<Row> then) {
        return Jdbc.underLock(dataSource, CREATE_LOCK, "data keys: cannot create a data key", c -> {
            if (onlyIfNone) {
                Optional<Row> existing = Jdbc.one(c, "SELECT " + COLUMNS + " FROM crypto_data_key WHERE state = 'current'", DataKeyRepository::row);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            int id;
            try (PreparedStatement next = c.prepareStatement("SELECT nextval('crypto_data_key_id_seq')::integer");
                 ResultSet rs = next.executeQuery()) {
                rs.next();
                id = rs.getInt(1);
            }
            byte[] wrapped = key.wrapForId().apply(id);
            try (PreparedStatement demote = c.prepareStatement("UPDATE crypto_data_key SET state = 'active' WHERE state = 'current'")) {
                demote.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO crypto_data_key (id, state, kek_kind, kek_location,"
                    + " kek_version, wrapped, created_at, created_by) VALUES (?, 'current', ?, ?, ?, ?, ?, ?)")) {
                insert.setInt(1, id);
                insert.setString(2, key.kekKind());
                insert.setString(3, key.kekLocation());
                insert.setInt(4, key.kekVersion());
                insert.setBytes(5, wrapped);
                insert.setTimestamp(6, Timestamp.from(now));
                insert.setString(7, node);
                insert.executeUpdate();
            }
            Row created = new Row(id, "current", key.kekKind(), key.kekLocation(), key.kekVersion(), wrapped, now, node, null);
            then.run(c, created);
            return created;
        });
    }

    /**
     * Erases an active data key's wrapped bytes (state retired); false when it is not active (current, already
     * retired, or gone), which changes nothing.
     */
    boolean retire(int id, Instant now) {
        return retire(id, now, Jdbc.Then.nothing());
    }

    /** As {@link #retire(int, Instant)}, running {@code then} with the key's id before the commit when it was retired. */
    boolean retire(int id, Instant now, Jdbc.Then<Integer> then) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE crypto_data_key SET state = 'retired', wrapped = NULL, retired_at = ?"
                     + " WHERE id = ? AND state = 'active'")) {
            c.setAutoCommit(false);
            try {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setInt(2, id);
                boolean retired = ps.executeUpdate() == 1;
                if (retired) {
                    then.run(c, id);
                }
                c.commit();
                return retired;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("data keys: cannot retire data key " + id + ": " + e.getMessage(), e);
        }
    }

    private Optional<Row> one(String sql) {
        return Jdbc.one(dataSource, READ_FAILED, sql, DataKeyRepository::row);
    }

    private List<Row> list(String sql) {
        return Jdbc.list(dataSource, READ_FAILED, sql, DataKeyRepository::row);
    }

    private static Row row(ResultSet rs) throws SQLException {
        Timestamp retired = rs.getTimestamp("retired_at");
        return new Row(rs.getInt("id"), rs.getString("state"), rs.getString("kek_kind"), rs.getString("kek_location"),
                rs.getInt("kek_version"), rs.getBytes("wrapped"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("created_by"), retired == null ? null : retired.toInstant());
    }
}
