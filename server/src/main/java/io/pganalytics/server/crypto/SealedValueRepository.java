package io.pganalytics.server.crypto;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The only place that reads and rewrites sealed values in the registered columns, and reads {@code crypto_sealed_file}:
 * usage counts per data key, and the re-wrap job's pages and compare-and-set writes. Table, column and row-key SQL
 * come from {@link SealedColumn}s that features register in code (checked identifiers), never from a request.
 */
final class SealedValueRepository {
    /** Sealed values start with the envelope's magic 'p' 'g' 'a' 1: anything else in a column is not counted. */
    private static final String SEALED = "substring(%s from 1 for 4) = '\\x70676101'::bytea";

    private final DataSource dataSource;

    SealedValueRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A value to re-seal: where it is (its tuple, to find it again at once), its row key and its sealed bytes. */
    record Sealed(String ctid, String rowKey, byte[] value) {
    }

    /** A node file sealed under a data key ({@code crypto_sealed_file}). */
    record SealedFile(String node, String purpose, int keyId) {
    }

    /** Values in {@code column} per data key id. */
    Map<Integer, Long> countByKey(SealedColumn column) {
        String sql = "SELECT crypto_key_id(" + column.column() + "), count(*) FROM " + column.table() + " WHERE "
                + sealed(column) + " GROUP BY 1";
        Map<Integer, Long> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getInt(1), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("sealed values: cannot count " + where(column) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every node file's data key; none while {@code crypto_sealed_file} does not exist (an install whose sealed files
     * feature has not migrated yet).
     */
    List<SealedFile> files() {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass('crypto_sealed_file') IS NOT NULL");
                 ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return List.of();
                }
            }
            List<SealedFile> files = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT node_name, purpose, key_id FROM crypto_sealed_file ORDER BY node_name, purpose");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    files.add(new SealedFile(rs.getString(1), rs.getString(2), rs.getInt(3)));
                }
            }
            return files;
        } catch (SQLException e) {
            throw new IllegalStateException("sealed values: cannot read crypto_sealed_file: " + e.getMessage(), e);
        }
    }

    /** Values in {@code column} under another key than {@code target}. */
    long countOthers(SealedColumn column, int target) {
        String sql = "SELECT count(*) FROM " + column.table() + " WHERE " + sealed(column) + " AND crypto_key_id(" + column.column() + ") <> ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, target);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("sealed values: cannot count " + where(column) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Up to {@code limit} values of {@code column} under another key than {@code target} whose row key comes after
     * {@code afterRow} ("C" collation), in row-key order.
     */
    List<Sealed> page(SealedColumn column, int target, String afterRow, int limit) {
        String key = rowKey(column);
        String sql = "SELECT ctid::text, " + key + ", " + column.column() + " FROM " + column.table() + " WHERE " + sealed(column)
                + " AND crypto_key_id(" + column.column() + ") <> ? AND " + key + " > ? ORDER BY 2 LIMIT ?";
        List<Sealed> page = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, target);
            ps.setString(2, afterRow);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new Sealed(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new IllegalStateException("sealed values: cannot read " + where(column) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The compare-and-set write of a re-sealed value, in the caller's transaction: only where the row still holds the
     * value that was read (a change the owning feature made meanwhile is never overwritten). The tuple id finds the
     * row without an index; the row key and old value make sure it is the same row and value.
     */
    static PreparedStatement compareAndSet(Connection c, SealedColumn column) throws SQLException {
        return c.prepareStatement("UPDATE " + column.table() + " SET " + column.column() + " = ? WHERE ctid = ?::tid AND "
                + column.column() + " = ? AND " + rowKey(column) + " = ?");
    }

    static String where(SealedColumn column) {
        return column.table() + "." + column.column();
    }

    private static String rowKey(SealedColumn column) {
        return "((" + column.rowKeySql() + ")::text COLLATE \"C\")";
    }

    private static String sealed(SealedColumn column) {
        return SEALED.formatted(column.column());
    }
}
