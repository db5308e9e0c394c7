package io.pganalytics.console.backups;

import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
import io.pganalytics.common.backup.RestorePlan;
import io.pganalytics.common.backup.RestoreRequest;
import io.pganalytics.common.backup.StartBackupRequest;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.api.ConsoleApi;
import io.pganalytics.console.common.Background;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The Backups screen's calls, off the FX thread. Reads and runs go on the session; the changes that the server may want
 * confirmed (the schedule and retention, a restore) go through {@link AdminService#backupChange}, the console's one
 * confirmation path.
 */
public final class BackupsService {
    /** How many backups the catalogue lists. */
    static final int CATALOGUE = 200;

    private final ConsoleApi api;
    private final Background background;
    private final AdminService changes;

    public BackupsService(ConsoleApi api, Background background, AdminService changes) {
        this.api = api;
        this.background = background;
        this.changes = changes;
    }

    public void catalogue(Consumer<List<BackupView>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().list(CATALOGUE), onResult, onFailure);
    }

    public void status(Consumer<BackupStatus> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().status(), onResult, onFailure);
    }

    public void windows(Consumer<List<RecoveryWindow>> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().windows(), onResult, onFailure);
    }

    public void archiving(Consumer<List<InstanceArchiving>> onResult, Consumer<Throwable> onFailure) {
        background.run(api::archiving, onResult, onFailure);
    }

    public void settings(Consumer<BackupSettings> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().settings(), onResult, onFailure);
    }

    public void backUpNow(Consumer<OperationStarted> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().start(new StartBackupRequest("full")), onResult, onFailure);
    }

    public void verifyNow(String backupId, Consumer<OperationStarted> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().verify(backupId), onResult, onFailure);
    }

    public void operation(UUID id, Consumer<OperationView> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().operation(id), onResult, onFailure);
    }

    public void plan(RestoreRequest request, Consumer<RestorePlan> onResult, Consumer<Throwable> onFailure) {
        background.run(() -> api.backups().plan(request), onResult, onFailure);
    }

    /** Changes the schedule and retention; lowering retention is confirmed first. */
    public void updateSettings(BackupSettings changed, Consumer<BackupSettings> onResult, Consumer<Throwable> onFailure) {
        changes.backupChange(backups -> backups.updateSettings(changed), onResult, onFailure);
    }

    /** Starts a restore; the server asks for a confirmation first. */
    public void restore(RestoreRequest request, Consumer<OperationStarted> onResult, Consumer<Throwable> onFailure) {
        changes.backupChange(backups -> backups.restore(request), onResult, onFailure);
    }

    /** Runs {@code action} on the UI thread every {@code period} until the handle is cancelled. */
    public ScheduledFuture<?> every(Duration period, Runnable action) {
        return background.every(period, action);
    }
}
