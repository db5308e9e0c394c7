package io.pganalytics.console.api;

import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.StartBackupRequest;

import java.util.List;
import java.util.UUID;

/**
 * Backup and recovery ({@code /api/v1/backups}) on a session ({@link ConsoleApi#backups()}), or carrying a confirmation token ({@link AdminApi#backups()} after
 * {@link AdminApi#confirmed(String)}). Every method blocks (call it off the FX thread) and fails with an
 * {@link ApiException}; the server checks the role of every call.
 */
public interface BackupsApi {
    /** The most backups the server lists in one answer. */
    int MAX_LIST = 1000;

    /** The catalogue, newest first, at most {@code limit} (1 to {@value #MAX_LIST}). */
    List<BackupView> list(int limit);

    /** Starts a backup; when one runs already, that run ({@link OperationStarted#started()} false). */
    OperationStarted start(StartBackupRequest request);

    /** Starts the verification of one backup by a real restore into a scratch PostgreSQL. */
    OperationStarted verify(String backupId);

    /** One run with its progress. */
    OperationView operation(UUID id);

    /** Everything an operator checks first: health, problems, repositories, WAL archiving, windows, runs in progress. */
    BackupStatus status();

    /** The recovery windows, oldest first. */
    List<RecoveryWindow> windows();

    BackupSettings settings();

    /**
     * Changes the schedule and retention (admins); a change that lowers retention fails first with
     * {@code confirmation_required}: repeat it through {@link AdminApi#confirmed(String)}{@code .backups()}.
     */
    BackupSettings updateSettings(BackupSettings settings);

    /** A restore's plan, nothing written ({@code request.dryRun()} must be true); a time outside every window is refused (422). */
    RestorePlan plan(RestoreRequest request);

    /** Starts a restore into a new place (admins, confirmed: {@code request.dryRun()} must be false). */
    OperationStarted restore(RestoreRequest request);
}
