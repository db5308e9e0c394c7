package io.pganalytics.server.auth.mfa;

import io.ebean.Database;
import io.ebean.SqlRow;
import io.pganalytics.server.crypto.ClearValues;
import io.pganalytics.server.crypto.SealedColumn;
import io.pganalytics.server.crypto.Sealer;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The only place that reads and writes {@code auth_mfa_factor} and {@code auth_mfa_backup_code}. Every single-use
 * rule (a TOTP step, a HOTP counter, a backup code) is one conditional UPDATE, so two nodes racing with the same
 * code cannot both win. Runs inside the caller's transaction when there is one.
 * <p>
 * The shared secrets are sealed with the key service ({@link #SECRET}, row key {@code user_id:method}, known before the
 * row exists): reading a factor whose secret was altered, moved from another row or names an unknown data key fails
 * with a {@link io.pganalytics.common.crypto.CryptoException} naming the row.
 */
final class MfaStore {
    static final String TOTP = "totp";
    static final String HOTP = "hotp";

    /** An enrolled factor. {@code lastUsedStep} is null until a TOTP code was accepted. */
    record Factor(long id, long userId, String method, byte[] secret, String algorithm, int digits, int periodSeconds,
                  Long lastUsedStep, long counter, Instant createdAt) {
    }

    record BackupCode(long id, byte[] salt, byte[] hash) {
    }

    /** Where the shared secrets are sealed. */
    static final SealedColumn SECRET = new SealedColumn("auth_mfa_factor", "secret", "user_id || ':' || method",
            "MFA secrets (TOTP and HOTP)");

    private final Database database;
    private final Sealer sealer;

    MfaStore(Database database, Sealer sealer) {
        this.database = database;
        this.sealer = sealer;
    }

    /** Upgrading: seals the secrets an earlier version stored in the clear, and erases the clear copies. */
    void sealClearSecrets() {
        if (ClearValues.sealInPlace(database.dataSource(), sealer, SECRET) > 0) {
            ClearValues.eraseDeadCopies(database.dataSource(), SECRET.table());
        }
    }

    List<Factor> factors(long userId) {
        return database.sqlQuery("SELECT * FROM auth_mfa_factor WHERE user_id = ? ORDER BY method")
                .setParameter(1, userId).findList().stream().map(this::factor).toList();
    }

    Optional<Factor> factor(long userId, String method) {
        return factors(userId).stream().filter(f -> f.method().equals(method)).findFirst();
    }

    boolean hasFactor(long userId) {
        return database.sqlQuery("SELECT count(*) FROM auth_mfa_factor WHERE user_id = ?").setParameter(1, userId)
                .mapToScalar(Long.class).findOne() > 0;
    }

    /** Inserts a factor, or replaces the user's factor of that method. */
    void put(long userId, String method, byte[] secret, int digits, Long lastUsedStep, long counter, Instant now) {
        database.sqlUpdate("INSERT INTO auth_mfa_factor (user_id, method, secret, digits, last_used_step, counter, created_at)"
                        + " VALUES (?, ?, ?, ?, CAST(? AS bigint), ?, ?) ON CONFLICT (user_id, method) DO UPDATE SET secret = excluded.secret,"
                        + " digits = excluded.digits, last_used_step = excluded.last_used_step, counter = excluded.counter,"
                        + " created_at = excluded.created_at, last_used_at = NULL")
                .setParameter(1, userId).setParameter(2, method).setParameter(3, sealer.seal(SECRET.context(userId + ":" + method), secret))
                .setParameter(4, digits)
                .setParameter(5, lastUsedStep).setParameter(6, counter).setParameter(7, Timestamp.from(now))
                .execute();
    }

    /** Spends a TOTP step: true only if no code of this step or a later one was accepted before, on any node. */
    boolean useTotpStep(long factorId, long step, Instant now) {
        return database.sqlUpdate("UPDATE auth_mfa_factor SET last_used_step = ?, last_used_at = ?"
                        + " WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)")
                .setParameter(1, step).setParameter(2, Timestamp.from(now)).setParameter(3, factorId).setParameter(4, step)
                .execute() == 1;
    }

    /** Moves a HOTP counter from {@code expected} to {@code next}; false when another request moved it first. */
    boolean advanceHotp(long factorId, long expected, long next, Instant now) {
        return database.sqlUpdate("UPDATE auth_mfa_factor SET counter = ?, last_used_at = ? WHERE id = ? AND counter = ?")
                .setParameter(1, next).setParameter(2, Timestamp.from(now)).setParameter(3, factorId).setParameter(4, expected)
                .execute() == 1;
    }

    List<BackupCode> unusedBackupCodes(long userId) {
        return database.sqlQuery("SELECT id, salt, code_hash FROM auth_mfa_backup_code WHERE user_id = ? AND used_at IS NULL")
                .setParameter(1, userId).findList().stream()
                .map(row -> new BackupCode(row.getLong("id"), bytes(row, "salt"), bytes(row, "code_hash"))).toList();
    }

    int countUnusedBackupCodes(long userId) {
        return database.sqlQuery("SELECT count(*) FROM auth_mfa_backup_code WHERE user_id = ? AND used_at IS NULL")
                .setParameter(1, userId).mapToScalar(Long.class).findOne().intValue();
    }

    /** Spends a backup code: true only for the first request (on any node) that does. */
    boolean useBackupCode(long codeId, Instant now) {
        return database.sqlUpdate("UPDATE auth_mfa_backup_code SET used_at = ? WHERE id = ? AND used_at IS NULL")
                .setParameter(1, Timestamp.from(now)).setParameter(2, codeId).execute() == 1;
    }

    /** Replaces every backup code of a user (spent ones included) with a new set. */
    void replaceBackupCodes(long userId, byte[] salt, List<byte[]> hashes, Instant now) {
        database.sqlUpdate("DELETE FROM auth_mfa_backup_code WHERE user_id = ?").setParameter(1, userId).execute();
        for (byte[] hash : hashes) {
            database.sqlUpdate("INSERT INTO auth_mfa_backup_code (user_id, salt, code_hash, created_at) VALUES (?, ?, ?, ?)")
                    .setParameter(1, userId).setParameter(2, salt).setParameter(3, hash).setParameter(4, Timestamp.from(now))
                    .execute();
        }
    }

    /** Removes every factor and backup code of a user; the number of factors removed. */
    int removeAll(long userId) {
        database.sqlUpdate("DELETE FROM auth_mfa_backup_code WHERE user_id = ?").setParameter(1, userId).execute();
        return database.sqlUpdate("DELETE FROM auth_mfa_factor WHERE user_id = ?").setParameter(1, userId).execute();
    }

    private Factor factor(SqlRow row) {
        Object step = row.get("last_used_step");
        long userId = row.getLong("user_id");
        String method = row.getString("method");
        byte[] secret = sealer.open(SECRET.context(userId + ":" + method), bytes(row, "secret"));
        return new Factor(row.getLong("id"), userId, method, secret,
                row.getString("algorithm"), row.getInteger("digits"), row.getInteger("period_seconds"),
                step == null ? null : ((Number) step).longValue(), row.getLong("counter"),
                ((Timestamp) row.get("created_at")).toInstant());
    }

    private static byte[] bytes(SqlRow row, String column) {
        return (byte[]) row.get(column);
    }
}
