package io.pganalytics.server.audit.forwarding;

import io.pganalytics.server.audit.StoredRecord;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The durable positions of the destinations ({@code audit_forward_position}) and the reads forwarding needs. */
final class ForwardPositions {
    private final DataSource dataSource;
    private final Clock clock;

    ForwardPositions(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The destination's position: the seq of the last record it acknowledged; a new destination starts at 0. */
    long position(String destination, ForwardingConfig.Kind kind) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_forward_position (destination, kind, updated_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (destination) DO NOTHING")) {
                ps.setString(1, destination);
                ps.setString(2, kind.wireName());
                ps.setTimestamp(3, Timestamp.from(clock.instant()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT position FROM audit_forward_position WHERE destination = ?")) {
                ps.setString(1, destination);
                long position;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    position = rs.getLong(1);
                }
                c.commit();
                return position;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding " + destination + ": reading its position: " + e.getMessage(), e);
        }
    }

    /** Records after {@code position}, in seq order, {@code limit} at most. */
    List<StoredRecord> after(long position, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + StoredRecord.COLUMNS + " FROM audit.record WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, position);
            ps.setInt(2, limit);
            List<StoredRecord> records = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(StoredRecord.read(rs));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding: reading records after " + position + ": " + e.getMessage(), e);
        }
    }

    /** Moves the position forward after a delivery (never back: a second forwarder that lost its lease cannot rewind it). */
    void advance(String destination, long seq, int delivered, String node) {
        update("UPDATE audit_forward_position SET position = greatest(position, ?), delivered = delivered + ?, updated_at = ?,"
                + " last_error = NULL, last_error_at = NULL, node = ? WHERE destination = ?", destination, ps -> {
            ps.setLong(1, seq);
            ps.setLong(2, delivered);
            ps.setTimestamp(3, Timestamp.from(clock.instant()));
            ps.setString(4, node);
            ps.setString(5, destination);
        });
    }

    void failed(String destination, String error, String node) {
        update("UPDATE audit_forward_position SET last_error = ?, last_error_at = ?, node = ? WHERE destination = ?", destination, ps -> {
            ps.setString(1, error.length() > 1000 ? error.substring(0, 1000) : error);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setString(3, node);
            ps.setString(4, destination);
        });
    }

    /** What {@code GET /audit/forwarding} shows of one destination, read from the database (any node answers). */
    record Row(long position, long delivered, Instant updatedAt, String lastError, Instant lastErrorAt, String node) {
    }

    Optional<Row> row(String destination) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT position, delivered, updated_at, last_error, last_error_at, node FROM audit_forward_position WHERE destination = ?")) {
            ps.setString(1, destination);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp errorAt = rs.getTimestamp(5);
                return Optional.of(new Row(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                        errorAt == null ? null : errorAt.toInstant(), rs.getString(6)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding " + destination + ": reading its status: " + e.getMessage(), e);
        }
    }

    /** The chain's newest seq. */
    long head() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.record");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding: reading the chain head: " + e.getMessage(), e);
        }
    }

    /** When the oldest record after {@code position} was written; empty when there is none. */
    Optional<Instant> oldestAfter(long position) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT at FROM audit.record WHERE seq > ? ORDER BY seq LIMIT 1")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding: reading the oldest undelivered record: " + e.getMessage(), e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void update(String sql, String destination, Binder binder) {
        // the pool's connections do not auto-commit (DatabaseModule)
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("audit forwarding " + destination + ": saving its position: " + e.getMessage(), e);
        }
    }
}
