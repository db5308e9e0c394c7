package io.pganalytics.console.backups;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.backup.BackupSettings;
import io.pganalytics.common.backup.BackupStatus;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.backup.OperationStarted;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RepositoryStatus;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.common.backup.WalArchivingStatus;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.api.ApiException;
import io.pganalytics.console.common.Figures;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.stream.Collectors;

/**
 * The Backups screen: the catalogue and the selected backup's verification checks; "back up now" and "verify now",
 * whose progress bars follow the run ({@code GET /backups/operations/{id}}) until it ends, and also show a run started
 * elsewhere (the schedule, another console) as the status reports it; health with its problems, the repositories with
 * the second region's lag and WAL archiving; the schedule and retention editor (admins); the monitored instances' own
 * archiving, worst first; and the restore wizard ({@link RestoreWizardViewModel}). What a role cannot do is not offered.
 */
public final class BackupsViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(BackupsViewModel.class);
    /** How often a run in progress is followed. */
    static final Duration POLL = Duration.ofSeconds(2);
    /** Every this many polls, the status is read again (runs started elsewhere, health, lag). */
    static final int STATUS_EVERY = 5;

    /** A backup as the catalogue shows it. */
    public record BackupRow(String id, String kind, String state, Light stateLight, String started, String consistent, String size,
                            String stored, String keyVersion, String secondRegion, String verification, Light verificationLight,
                            BackupView backup) {
    }

    /** One check of the selected backup's last verification. */
    public record CheckRow(String name, Light light, String detail) {
    }

    /** A repository: the primary, or the second region with its lag. */
    public record RepositoryRow(String role, String kind, String location, Light light, String used, String free, String newest,
                                String lag, String problem) {
    }

    /** A monitored instance's own WAL archiving. */
    public record ArchivingRow(String instance, String state, Light light, String archiveMode, String lastArchived, String archivedAgo,
                               String failed, String lastFailure, String sampled) {
    }

    private final BackupsService service;
    private final Clock clock;
    private final boolean mayOperate;
    private final boolean mayAdminister;
    private final ObservableList<BackupRow> catalogue = FXCollections.observableArrayList();
    private final ObjectProperty<BackupRow> selected = new SimpleObjectProperty<>();
    private final ObservableList<CheckRow> checks = FXCollections.observableArrayList();
    private final StringProperty verificationSummary = new SimpleStringProperty("");
    private final RunProgress backup = new RunProgress("backup");
    private final RunProgress verify = new RunProgress("verify");
    private final RunProgress restoreRun = new RunProgress("restore");
    private final ObjectProperty<Light> healthLight = new SimpleObjectProperty<>(Light.UNKNOWN);
    private final StringProperty health = new SimpleStringProperty("Reading the backup status...");
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObjectProperty<Light> walLight = new SimpleObjectProperty<>(Light.UNKNOWN);
    private final StringProperty wal = new SimpleStringProperty("");
    private final ObservableList<RepositoryRow> repositories = FXCollections.observableArrayList();
    private final ObservableList<ArchivingRow> archiving = FXCollections.observableArrayList();
    private final StringProperty archivingSummary = new SimpleStringProperty("");
    private final StringProperty fullEvery = new SimpleStringProperty("");
    private final StringProperty fullAt = new SimpleStringProperty("");
    private final StringProperty differentialEvery = new SimpleStringProperty("");
    private final StringProperty chainVerifyEvery = new SimpleStringProperty("");
    private final StringProperty retainFull = new SimpleStringProperty("");
    private final StringProperty retainFor = new SimpleStringProperty("");
    private final SimpleBooleanProperty settingsBusy = new SimpleBooleanProperty(false);
    private final StringProperty settingsStatus = new SimpleStringProperty("");
    private final StringProperty settingsError = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final RestoreWizardViewModel wizard;
    private List<BackupView> backups = List.of();
    private boolean secondRegion;
    private BackupSettings shownSettings;
    private ScheduledFuture<?> polling;
    private int polls;

    public BackupsViewModel(BackupsService service, Collection<Role> roles, Clock clock) {
        this.service = service;
        this.clock = clock;
        this.mayOperate = Role.anyGrants(roles, Role.OPERATOR);
        this.mayAdminister = roles.contains(Role.ADMIN);
        this.wizard = new RestoreWizardViewModel(service, restoreRun, mayOperate, mayAdminister);
        selected.addListener((o, was, now) -> showChecks(now));
    }

    /** Reads everything and follows runs until {@link #stop()}. */
    public void start() {
        refresh();
        loadSettings();
        if (polling == null) {
            polling = service.every(POLL, this::poll);
        }
    }

    public void stop() {
        if (polling != null) {
            polling.cancel(false);
            polling = null;
        }
    }

    /** The catalogue, the status, the recovery windows and the monitored instances' archiving, read again. */
    public void refresh() {
        service.catalogue(this::showCatalogue, failure -> failed("Reading the catalogue", failure));
        wizard.load();
        readStatus();
        service.archiving(this::showArchiving, failure -> archivingSummary.set(sentence("Reading the monitored instances' archiving", failure)));
    }

    /** Follows the runs in progress; every few polls, reads the status for runs started elsewhere. */
    public void poll() {
        for (RunProgress run : List.of(backup, verify, restoreRun)) {
            UUID id = run.following();
            if (id != null) {
                service.operation(id, view -> {
                    if (run.show(view)) {
                        ended(view);
                    }
                }, failure -> LOG.info("following {} run {}: {}", run.kind(), id, failure.getMessage()));
            }
        }
        if (++polls % STATUS_EVERY == 0) {
            readStatus();
        }
    }

    private void readStatus() {
        service.status(this::showStatus, failure -> {
            healthLight.set(Light.UNKNOWN);
            health.set(sentence("Reading the backup status", failure));
        });
    }

    /** A run followed ended: what it changed is read again. */
    private void ended(OperationView view) {
        LOG.info("{} run {} ended: {}", view.kind(), view.id(), view.state());
        refresh();
    }

    public void backUpNow() {
        if (!mayOperate) {
            return;
        }
        error.set("");
        service.backUpNow(started -> follow(backup, started, "A backup was already running: following it."),
                failure -> backup.failed(sentence("Back up now", failure)));
    }

    /** Verifies the selected backup, or the newest complete one when none is selected. */
    public void verifyNow() {
        if (!mayOperate) {
            return;
        }
        BackupView chosen = selected.get() != null ? selected.get().backup()
                : backups.stream().filter(b -> BackupView.COMPLETE.equals(b.state())).findFirst().orElse(null);
        if (chosen == null || !BackupView.COMPLETE.equals(chosen.state())) {
            error.set("Select a complete backup to verify.");
            return;
        }
        error.set("");
        service.verifyNow(chosen.id(), started -> follow(verify, started, "A verification was already running: following it."),
                failure -> verify.failed(sentence("Verify now", failure)));
    }

    private void follow(RunProgress run, OperationStarted started, String already) {
        boolean ended = run.show(started.operation());
        status.set(started.started() ? "" : already);
        if (ended || !OperationView.RUNNING.equals(started.operation().state())) {
            refresh();
        }
    }

    void showCatalogue(List<BackupView> shown) {
        backups = List.copyOf(shown);
        rebuildCatalogue();
    }

    private void rebuildCatalogue() {
        String was = selected.get() == null ? null : selected.get().id();
        List<BackupRow> rows = backups.stream().map(this::row).toList();
        catalogue.setAll(rows);
        selected.set(rows.stream().filter(r -> r.id().equals(was)).findFirst().orElse(null));
    }

    private BackupRow row(BackupView b) {
        String copy = b.copiedAt() != null ? Utc.cell(b.copiedAt()) : secondRegion && BackupView.COMPLETE.equals(b.state()) ? "not yet" : Figures.NONE;
        VerificationView v = b.verification();
        String verification = v == null || VerificationView.NONE.equals(v.state()) ? "never"
                : v.state() + (v.verifiedAt() == null ? "" : " " + Figures.ago(v.verifiedAt(), clock.instant()));
        return new BackupRow(b.id(), b.kind(), b.state(), Light.ofBackup(b.state()), Utc.cell(b.startedAt()), Utc.cell(b.consistentAt()),
                Figures.bytes(b.sizeBytes()), Figures.bytes(b.storedBytes()), Objects.requireNonNullElse(b.keyVersion(), Figures.NONE), copy,
                verification, Light.ofVerification(v), b);
    }

    private void showChecks(BackupRow row) {
        if (row == null) {
            checks.clear();
            verificationSummary.set("Select a backup to see its last verification.");
            return;
        }
        VerificationView v = row.backup().verification();
        checks.setAll(v == null ? List.of() : v.checks().stream().map(c -> new CheckRow(c.name(), c.passed() ? Light.OK : Light.BAD,
                Objects.requireNonNullElse(c.detail(), ""))).toList());
        String error = row.backup().error() == null ? "" : " The backup failed: " + row.backup().error();
        if (v == null || VerificationView.NONE.equals(v.state())) {
            verificationSummary.set("Backup " + row.id() + " has never been verified by a restore." + error);
        } else {
            long failedChecks = v.checks().stream().filter(c -> !c.passed()).count();
            verificationSummary.set("Backup " + row.id() + ": verification " + v.state() + " at " + Utc.time(v.verifiedAt()) + ", "
                    + v.checks().size() + (v.checks().size() == 1 ? " check" : " checks") + (failedChecks == 0 ? "" : ", " + failedChecks + " failed") + "." + error);
        }
    }

    void showStatus(BackupStatus shown) {
        healthLight.set(Light.ofHealth(shown.health()));
        health.set("Backups " + shown.health() + (shown.problems().isEmpty() ? "" : ": " + shown.problems().size() + " problem"
                + (shown.problems().size() == 1 ? "" : "s")));
        problems.setAll(shown.problems());
        summary.set("Engine " + shown.engine() + ". Last complete backup: "
                + (shown.lastComplete() == null ? "none" : shown.lastComplete().id() + " at " + Utc.time(shown.lastComplete().consistentAt())
                + " (" + Figures.ago(shown.lastComplete().consistentAt(), clock.instant()) + ")")
                + ". Next full backup: " + Utc.time(shown.nextFullAt()) + ".");
        showWal(shown.archiving());
        repositories.setAll(shown.repositories().stream().map(this::repository).toList());
        boolean hadSecondRegion = secondRegion;
        secondRegion = shown.repositories().stream().anyMatch(r -> RepositoryStatus.SECOND_REGION.equals(r.role()));
        if (hadSecondRegion != secondRegion) {
            rebuildCatalogue();
        }
        for (OperationView running : shown.running()) {
            RunProgress run = switch (running.kind()) {
                case "backup" -> backup;
                case "verify" -> verify;
                case "restore" -> restoreRun;
                default -> null;
            };
            if (run != null && !Objects.equals(run.following(), running.id())) {
                run.show(running);
            }
        }
    }

    private void showWal(WalArchivingStatus w) {
        if (w == null || !w.enabled()) {
            walLight.set(Light.BAD);
            wal.set("WAL archiving is off: a restore can only reach the end of a backup.");
            return;
        }
        walLight.set(w.failing() ? Light.BAD : w.pending() > 0 ? Light.WARNING : Light.OK);
        wal.set((w.failing() ? "WAL archiving fails" + (w.lastError() == null ? "" : ": " + w.lastError()) + ". " : "WAL archiving works. ")
                + "Newest segment " + Objects.requireNonNullElse(w.lastArchived(), Figures.NONE) + " archived "
                + Figures.ago(w.lastArchivedAt(), clock.instant()) + "; " + w.pending() + " pending; archive timeout "
                + Objects.requireNonNullElse(w.archiveTimeout(), Figures.NONE) + ".");
    }

    private RepositoryRow repository(RepositoryStatus r) {
        Light light = !r.reachable() || r.error() != null ? Light.BAD : r.warning() != null ? Light.WARNING : Light.OK;
        String lag = r.lagSeconds() == null ? Figures.NONE : r.lagSeconds() == 0 ? "in step" : Figures.seconds((double) r.lagSeconds()) + " behind";
        String problem = r.error() != null ? r.error() : Objects.requireNonNullElse(r.warning(), "");
        return new RepositoryRow(RepositoryStatus.SECOND_REGION.equals(r.role()) ? "second region" : r.role(), r.kind(), r.location(), light,
                Figures.bytes(r.usedBytes()), Figures.bytes(r.freeBytes()), Utc.time(r.newestAt()), lag, problem);
    }

    void showArchiving(List<InstanceArchiving> shown) {
        List<InstanceArchiving> sorted = shown.stream().sorted(Comparator.comparingInt((InstanceArchiving a) -> Light.archivingRank(a.state()))
                .thenComparing(InstanceArchiving::instanceName, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
        archiving.setAll(sorted.stream().map(a -> new ArchivingRow(Objects.requireNonNullElse(a.instanceName(), a.instanceId()), a.state(),
                Light.ofArchiving(a.state()), Objects.requireNonNullElse(a.archiveMode(), Figures.NONE),
                Objects.requireNonNullElse(a.lastArchivedWal(), Figures.NONE), Figures.ago(a.lastArchivedAt(), clock.instant()),
                a.failedCount() + "", a.lastFailedAt() == null ? Figures.NONE
                : Objects.requireNonNullElse(a.lastFailedWal(), "") + " " + Figures.ago(a.lastFailedAt(), clock.instant()),
                Utc.time(a.sampledAt()))).toList());
        long bad = sorted.stream().filter(a -> Light.archivingRank(a.state()) < 2).count();
        archivingSummary.set(sorted.isEmpty() ? "No monitored instance has reported its archiving yet."
                : sorted.size() + " instances; " + (bad == 0 ? "none failing or stale." : bad + " failing or stale."));
    }

    // ---- schedule and retention

    public void loadSettings() {
        service.settings(this::showSettings, failure -> settingsError.set(sentence("Reading the schedule and retention", failure)));
    }

    void showSettings(BackupSettings shown) {
        shownSettings = shown;
        fullEvery.set(Objects.requireNonNullElse(shown.fullEvery(), ""));
        fullAt.set(Objects.requireNonNullElse(shown.fullAt(), ""));
        differentialEvery.set(Objects.requireNonNullElse(shown.differentialEvery(), ""));
        chainVerifyEvery.set(Objects.requireNonNullElse(shown.chainVerifyEvery(), ""));
        retainFull.set(shown.retainFull() == null ? "" : shown.retainFull().toString());
        retainFor.set(Objects.requireNonNullElse(shown.retainFor(), ""));
    }

    /** Sends the values the person changed (admins); lowering retention is confirmed with the server's summary first. */
    public void saveSettings() {
        if (!mayAdminister || shownSettings == null) {
            return;
        }
        Integer count = null;
        String countText = retainFull.get() == null ? "" : retainFull.get().strip();
        if (!countText.isEmpty() && !countText.equals(String.valueOf(shownSettings.retainFull()))) {
            try {
                count = Integer.parseInt(countText);
            } catch (NumberFormatException e) {
                settingsStatus.set("");
                settingsError.set("Full backups kept: a whole number of at least 1, not '" + countText + "'.");
                return;
            }
        }
        BackupSettings changed = new BackupSettings(changed(fullEvery, shownSettings.fullEvery()), changed(fullAt, shownSettings.fullAt()),
                changed(differentialEvery, shownSettings.differentialEvery()), changed(chainVerifyEvery, shownSettings.chainVerifyEvery()),
                count, changed(retainFor, shownSettings.retainFor()));
        if (changed.equals(new BackupSettings(null, null, null, null, null, null))) {
            settingsError.set("");
            settingsStatus.set("Nothing to change.");
            return;
        }
        settingsBusy.set(true);
        settingsError.set("");
        settingsStatus.set("");
        service.updateSettings(changed, saved -> {
            settingsBusy.set(false);
            showSettings(saved);
            settingsStatus.set("Schedule and retention saved: the schedule applies them from now on.");
            readStatus();
        }, failure -> {
            settingsBusy.set(false);
            if (isCancelled(failure)) {
                settingsStatus.set(failure.getMessage());
            } else {
                settingsError.set(sentence("Saving the schedule and retention", failure));
            }
        });
    }

    private static String changed(StringProperty field, String was) {
        String text = field.get() == null ? "" : field.get().strip();
        return text.isEmpty() || text.equals(was) ? null : text;
    }

    // ---- failures

    private void failed(String what, Throwable failure) {
        status.set("");
        error.set(sentence(what, failure));
    }

    static boolean isCancelled(Throwable failure) {
        return failure instanceof AdminService.Cancelled;
    }

    /** A failure as one sentence for the screen: the server's own message and its field details when it refused. */
    static String sentence(String what, Throwable failure) {
        if (failure instanceof AdminService.Cancelled cancelled) {
            return cancelled.getMessage();
        }
        if (failure instanceof ApiException e) {
            if (e.kind() != ApiException.Kind.REJECTED) {
                return what + " failed: " + e.getMessage();
            }
            String fields = e.error().map(err -> err.details().stream().map(BackupsViewModel::detail).filter(Objects::nonNull)
                    .collect(Collectors.joining("; "))).orElse("");
            return what + " was refused: " + e.getMessage() + (fields.isEmpty() ? "" : " (" + fields + ")");
        }
        LOG.error(what, failure);
        return what + " failed: " + failure.getMessage();
    }

    private static String detail(ErrorDetail detail) {
        return detail.field() == null ? detail.problem() : detail.field() + ": " + detail.problem();
    }

    // ---- properties

    public boolean mayOperate() {
        return mayOperate;
    }

    public boolean mayAdminister() {
        return mayAdminister;
    }

    public ObservableList<BackupRow> catalogue() {
        return catalogue;
    }

    public ObjectProperty<BackupRow> selectedProperty() {
        return selected;
    }

    public ObservableList<CheckRow> checks() {
        return checks;
    }

    public ReadOnlyStringProperty verificationSummaryProperty() {
        return verificationSummary;
    }

    public RunProgress backupRun() {
        return backup;
    }

    public RunProgress verifyRun() {
        return verify;
    }

    public RestoreWizardViewModel wizard() {
        return wizard;
    }

    public ReadOnlyObjectProperty<Light> healthLightProperty() {
        return healthLight;
    }

    public ReadOnlyStringProperty healthProperty() {
        return health;
    }

    public ObservableList<String> problems() {
        return problems;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyObjectProperty<Light> walLightProperty() {
        return walLight;
    }

    public ReadOnlyStringProperty walProperty() {
        return wal;
    }

    public ObservableList<RepositoryRow> repositories() {
        return repositories;
    }

    public ObservableList<ArchivingRow> archiving() {
        return archiving;
    }

    public ReadOnlyStringProperty archivingSummaryProperty() {
        return archivingSummary;
    }

    public StringProperty fullEveryProperty() {
        return fullEvery;
    }

    public StringProperty fullAtProperty() {
        return fullAt;
    }

    public StringProperty differentialEveryProperty() {
        return differentialEvery;
    }

    public StringProperty chainVerifyEveryProperty() {
        return chainVerifyEvery;
    }

    public StringProperty retainFullProperty() {
        return retainFull;
    }

    public StringProperty retainForProperty() {
        return retainFor;
    }

    public ReadOnlyBooleanProperty settingsBusyProperty() {
        return settingsBusy;
    }

    public ReadOnlyStringProperty settingsStatusProperty() {
        return settingsStatus;
    }

    public ReadOnlyStringProperty settingsErrorProperty() {
        return settingsError;
    }

    public ReadOnlyStringProperty statusProperty() {
        return status;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}
