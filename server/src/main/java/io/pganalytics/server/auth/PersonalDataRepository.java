package io.pganalytics.server.auth;

import io.pganalytics.common.audit.PersonData;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of {@link People}: what the auth tables hold about one person, read for an access request and deleted for
 * an erasure, on the caller's connection (in its transaction).
 */
final class PersonalDataRepository {
    /** Sessions listed at most per export: the newest; a person rarely has more than a few dozen. */
    static final int MAX_SESSIONS = 1000;

    Optional<PersonData.Account> account(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username, display_name, email, roles, source, enabled,"
                + " password_hash IS NOT NULL AS has_password, created_at, updated_at, last_login_at, last_synced_at"
                + " FROM auth_user WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                java.sql.Array roles = rs.getArray("roles");
                List<String> roleNames = roles == null ? List.of() : Arrays.stream((Object[]) roles.getArray()).map(String::valueOf).toList();
                return Optional.of(new PersonData.Account(rs.getString("username"), rs.getString("display_name"), rs.getString("email"),
                        RoleNames.fromStored(roleNames).stream().map(io.pganalytics.common.auth.Role::wireName).sorted().toList(),
                        rs.getString("source"), rs.getBoolean("enabled"), rs.getBoolean("has_password"), instant(rs, "created_at"),
                        instant(rs, "updated_at"), instant(rs, "last_login_at"), instant(rs, "last_synced_at")));
            }
        }
    }

    List<PersonData.Identity> identities(Connection c, long userId) throws SQLException {
        List<PersonData.Identity> identities = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source, external_subject, last_synced_at FROM auth_user WHERE id = ? AND external_subject IS NOT NULL")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    identities.add(new PersonData.Identity(rs.getString(1), rs.getString(2), instant(rs, "last_synced_at")));
                }
            }
        }
        return identities;
    }

    List<PersonData.Factor> factors(Connection c, long userId) throws SQLException {
        List<PersonData.Factor> factors = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT method, created_at, last_used_at FROM auth_mfa_factor WHERE user_id = ? ORDER BY method")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    factors.add(new PersonData.Factor(rs.getString(1), instant(rs, "created_at"), instant(rs, "last_used_at")));
                }
            }
        }
        return factors;
    }

    Optional<PersonData.BackupCodes> backupCodes(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE used_at IS NULL), max(created_at),"
                + " max(used_at) FROM auth_mfa_backup_code WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int total = rs.getInt(1);
                return total == 0 ? Optional.empty()
                        : Optional.of(new PersonData.BackupCodes(total, rs.getInt(2), instant(rs, 3), instant(rs, 4)));
            }
        }
    }

    List<PersonData.Session> sessions(Connection c, long userId) throws SQLException {
        List<PersonData.Session> sessions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.created_at, s.expires_at, s.revoked_at, s.revoked_reason,"
                + " s.client_address, s.second_factor_at, (SELECT count(*) FROM auth_refresh_token t WHERE t.session_id = s.id),"
                + " (SELECT max(t.issued_at) FROM auth_refresh_token t WHERE t.session_id = s.id)"
                + " FROM auth_session s WHERE s.user_id = ? ORDER BY s.created_at DESC LIMIT " + MAX_SESSIONS)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new PersonData.Session(instant(rs, 1), instant(rs, 2), instant(rs, 3), rs.getString(4), rs.getString(5),
                            instant(rs, 6), rs.getInt(7), instant(rs, 8)));
                }
            }
        }
        return sessions;
    }

    /** Registration tokens name their creator by user name (or id when the caller had none). */
    long registrationTokensCreated(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM collector_registration_token WHERE created_by = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    int count(Connection c, String sql, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Deletes the account; its sessions, refresh tokens, factors and backup codes go with it (ON DELETE CASCADE). */
    boolean deleteAccount(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM auth_user WHERE id = ?")) {
            ps.setLong(1, userId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Replaces the person's name as the creator of registration tokens by a pseudonym: their user id. */
    int pseudonymiseRegistrationTokens(Connection c, String username, String pseudonym) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE collector_registration_token SET created_by = ? WHERE created_by = ?")) {
            ps.setString(1, pseudonym);
            ps.setString(2, username);
            return ps.executeUpdate();
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
