package io.pganalytics.server.settings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table {@code runtime_setting}: one row per configuration key changed at runtime, with who changed it and when.
 * Every method works in the caller's transaction, so that a change and its audit record commit together.
 */
public final class RuntimeSettings {
    /** The most keys one prefix may hold: far more than any feature defines, so that a read stays bounded. */
    static final int MAX_ROWS = 1_000;

    /**
     * A stored value.
     *
     * @param changedBy   the user id of the person who changed it
     * @param changedByName their user name while their account exists, else null
     */
    public record Stored(String value, Instant changedAt, String changedBy, String changedByName) {
    }

    private RuntimeSettings() {
    }

    /**
     * Takes the transaction-scoped lock of every key under {@code prefix}: changes to one group of settings are then
     * read, checked and written one at a time across the cluster.
     */
    public static void lock(Connection c, String prefix) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 14))")) {
            ps.setString(1, "runtime_setting:" + prefix);
            ps.execute();
        }
    }

    /** Every stored key under {@code prefix}, by the rest of its name ({@code raw} under {@code maintenance.retention.}). */
    public static Map<String, Stored> read(Connection c, String prefix) throws SQLException {
        Map<String, Stored> values = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.name, s.value, s.changed_at, s.changed_by, u.username
                FROM runtime_setting s LEFT JOIN auth_user u ON u.id::text = s.changed_by
                WHERE starts_with(s.name, ?) ORDER BY s.name LIMIT ?""")) {
            ps.setString(1, prefix);
            ps.setInt(2, MAX_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.put(rs.getString(1).substring(prefix.length()), new Stored(rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return values;
    }

    /** Sets a key's value, recording who and when. */
    public static void put(Connection c, String name, String value, Instant at, String changedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO runtime_setting (name, value, changed_at, changed_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at,
                                                 changed_by = excluded.changed_by""")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.setString(4, changedBy);
            ps.executeUpdate();
        }
    }

    /** Drops a key's runtime value: the configuration file's applies again. */
    public static void remove(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM runtime_setting WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }
}
