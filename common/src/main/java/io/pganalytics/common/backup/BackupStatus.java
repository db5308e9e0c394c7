package io.pganalytics.common.backup;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/backups/status}: everything an operator checks first.
 *
 * @param engine       {@code embedded} or {@code pgbackrest}
 * @param health       {@code ok}, {@code warning} (works, but something needs attention) or {@code failing} (a
 *                     backup was missed or failed, or WAL archiving fails: the recovery point is not held)
 * @param problems     what makes it not ok, for a person; empty when ok
 * @param lastComplete the newest complete backup; null when there is none
 * @param nextFullAt   when the schedule starts the next full backup
 * @param archiving    continuous WAL archiving
 * @param repositories the primary repository, then the second region if one is configured
 * @param windows      the recovery windows, oldest first
 * @param running      the runs in progress
 * @param settings     the schedule and retention in force
 */
public record BackupStatus(String engine, String health, List<String> problems, BackupView lastComplete, Instant nextFullAt,
                           WalArchivingStatus archiving, List<RepositoryStatus> repositories, List<RecoveryWindow> windows,
                           List<OperationView> running, BackupSettings settings) {
    public static final String OK = "ok";
    public static final String WARNING = "warning";
    public static final String FAILING = "failing";

    public BackupStatus {
        problems = List.copyOf(problems);
        repositories = List.copyOf(repositories);
        windows = List.copyOf(windows);
        running = List.copyOf(running);
    }
}
