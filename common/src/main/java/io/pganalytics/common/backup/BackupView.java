package io.pganalytics.common.backup;

import java.time.Instant;

/**
 * One backup in the catalogue, whatever its engine.
 *
 * @param id           the backup's name in its repository
 * @param engine       {@code embedded} or {@code pgbackrest}
 * @param kind         {@code full}, {@code differential} or {@code incremental}
 * @param parentId     the backup a differential or incremental one builds on; null for a full one
 * @param state        {@code running}, {@code complete}, {@code failed} or {@code expired}
 * @param consistentAt the earliest time the backup restores to (its end); null until it completes
 * @param sizeBytes    database bytes it holds
 * @param storedBytes  bytes it takes in the repository (compressed and encrypted)
 * @param walStart     the first WAL segment it needs
 * @param walStop      the last WAL segment it needs to be consistent
 * @param keyVersion   the key that encrypts it ({@code kek keystore v2}, {@code pgbackrest aes-256-cbc})
 * @param copiedAt     when the second region held a complete copy; null while it does not (or there is none)
 * @param verification the last verification by a real restore
 * @param error        why it failed; null unless {@code failed}
 * @param requestedBy  {@code schedule}, or the id of the user who asked
 */
public record BackupView(String id, String engine, String kind, String parentId, String state, Instant startedAt,
                         Instant finishedAt, Instant consistentAt, Long sizeBytes, Long storedBytes, String walStart,
                         String walStop, String keyVersion, Instant copiedAt, VerificationView verification, String error,
                         String requestedBy) {
    public static final String COMPLETE = "complete";
    public static final String RUNNING = "running";
    public static final String FAILED = "failed";
    public static final String EXPIRED = "expired";
}
