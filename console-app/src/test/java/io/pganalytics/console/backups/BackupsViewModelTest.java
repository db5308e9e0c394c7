package io.pganalytics.console.backups;

import io.pganalytics.common.auth.Role;
import io.pganalytics.common.backup.BackupView;
import io.pganalytics.common.backup.InstanceArchiving;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.VerificationView;
import io.pganalytics.console.admin.AdminService;
import io.pganalytics.console.admin.ServerConfirmation;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeBackupsApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Backups screen's view-model in plain JUnit, IO on the calling thread against a fake client. */
class BackupsViewModelTest {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeBackupsApi backups = api.backups;
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();
    /** What the confirmation dialog answers: true confirms. */
    private boolean confirm;

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theCatalogueShowsEachBackupWithItsLightsAndTheSelectedOnesChecks() {
        backups.backups.add(backup("b2", BackupView.COMPLETE, new VerificationView(VerificationView.FAILED, NOW,
                List.of(new VerificationView.Check("restore", true, "read 3 objects"),
                        new VerificationView.Check("amcheck", false, "index sample_time_idx: corrupt")))));
        backups.backups.add(backup("b1", BackupView.FAILED, null));
        BackupsViewModel model = model(Role.OPERATOR);
        model.refresh();
        assertEquals(List.of("b2", "b1"), model.catalogue().stream().map(BackupsViewModel.BackupRow::id).toList());
        BackupsViewModel.BackupRow newest = model.catalogue().getFirst();
        assertEquals(Light.OK, newest.stateLight());
        assertEquals(Light.BAD, newest.verificationLight());
        assertEquals("1.0 GB", newest.size());
        assertEquals("2026-12-07 08:10", newest.consistent());
        assertEquals(Light.BAD, model.catalogue().get(1).stateLight());
        model.selectedProperty().set(newest);
        assertEquals(List.of("restore", "amcheck"), model.checks().stream().map(BackupsViewModel.CheckRow::name).toList());
        assertEquals(Light.BAD, model.checks().get(1).light());
        assertTrue(model.verificationSummaryProperty().get().contains("2 checks, 1 failed"), model.verificationSummaryProperty().get());
    }

    @Test
    void backUpNowFollowsTheRunUntilItEndsThenReadsTheCatalogueAgain() {
        BackupsViewModel model = model(Role.OPERATOR);
        model.refresh();
        model.backUpNow();
        OperationView run = model.backupRun().operationProperty().get();
        assertTrue(model.backupRun().runningProperty().get());
        backups.progress.get(run.id()).add(FakeBackupsApi.next(run, OperationView.RUNNING, 500));
        backups.progress.get(run.id()).add(FakeBackupsApi.next(run, OperationView.SUCCEEDED, 1000));
        model.poll();
        assertEquals(0.5, model.backupRun().fractionProperty().get(), 1e-9);
        assertTrue(model.backupRun().textProperty().get().contains("(50 %)"), model.backupRun().textProperty().get());
        backups.backups.add(backup("b3", BackupView.COMPLETE, null));
        model.poll();
        assertFalse(model.backupRun().runningProperty().get());
        assertEquals(Light.OK, model.backupRun().lightProperty().get());
        assertEquals(List.of("b3"), model.catalogue().stream().map(BackupsViewModel.BackupRow::id).toList(), "read again once it ended");
        int operations = (int) backups.calls.stream().filter(c -> c.startsWith("operation")).count();
        model.poll();
        assertEquals(operations, backups.calls.stream().filter(c -> c.startsWith("operation")).count(), "an ended run is not followed");
    }

    @Test
    void aRunAlreadyInProgressIsFollowedAndNoOtherStarted() {
        OperationView scheduled = new OperationView(java.util.UUID.randomUUID(), "backup", OperationView.RUNNING, null, "copying files",
                100, 1000L, NOW, null, null, "node-1", "schedule");
        backups.alreadyRunning = scheduled;
        BackupsViewModel model = model(Role.ADMIN);
        model.backUpNow();
        assertEquals(scheduled.id(), model.backupRun().operationProperty().get().id());
        assertTrue(model.backupRun().textProperty().get().contains("started by the schedule"), model.backupRun().textProperty().get());
        assertEquals("A backup was already running: following it.", model.statusProperty().get());
    }

    @Test
    void aRunTheScheduleStartedAppearsWithItsProgressAtTheNextStatusRead() {
        BackupsViewModel model = model(Role.VIEWER, Role.AUDITOR);
        assertNull(model.backupRun().operationProperty().get());
        backups.running.add(new OperationView(java.util.UUID.randomUUID(), "verify", OperationView.RUNNING, "b2", "replaying WAL",
                10, 40L, NOW, null, null, "node-2", "schedule"));
        model.refresh();
        assertTrue(model.verifyRun().runningProperty().get());
        assertEquals(0.25, model.verifyRun().fractionProperty().get(), 1e-9);
        assertTrue(model.verifyRun().textProperty().get().startsWith("Verification b2 (started by the schedule): replaying WAL"),
                model.verifyRun().textProperty().get());
    }

    @Test
    void verifyNowVerifiesTheSelectedBackup() {
        backups.backups.add(backup("b2", BackupView.COMPLETE, null));
        backups.backups.add(backup("b1", BackupView.COMPLETE, null));
        BackupsViewModel model = model(Role.OPERATOR);
        model.refresh();
        model.selectedProperty().set(model.catalogue().get(1));
        model.verifyNow();
        assertTrue(backups.calls.contains("verify b1"), backups.calls.toString());
        assertTrue(model.verifyRun().runningProperty().get());
    }

    @Test
    void loweringRetentionIsConfirmedFirstAndCancelChangesNothing() {
        api.confirmationsRequired = 1;
        api.confirmationAction = "backup.settings";
        api.confirmationSummary = "Keep 3 full backups instead of 7: 4 backups and their WAL are deleted at the next expiry.";
        BackupsViewModel model = model(Role.ADMIN);
        model.loadSettings();
        assertEquals("7", model.retainFullProperty().get());
        model.retainFullProperty().set("3");
        confirm = false;
        model.saveSettings();
        assertEquals(List.of(api.confirmationSummary), asked);
        assertEquals(7, backups.settings.retainFull(), "nothing changed on Cancel");
        assertEquals("Cancelled: nothing was changed.", model.settingsStatusProperty().get());
        confirm = true;
        model.saveSettings();
        assertEquals(3, backups.settings.retainFull());
        assertEquals("30d", backups.settings.retainFor(), "only the changed value was sent");
        assertTrue(backups.calls.contains("updateSettings BackupSettings[fullEvery=null, fullAt=null, differentialEvery=null, "
                + "chainVerifyEvery=null, retainFull=3, retainFor=null]"), backups.calls.toString());
        assertTrue(api.calls.stream().anyMatch(c -> c.startsWith("confirmed token-")), "repeated with the token: " + api.calls);
        assertTrue(model.settingsStatusProperty().get().startsWith("Schedule and retention saved"), model.settingsStatusProperty().get());
    }

    @Test
    void aCountThatIsNotANumberIsRefusedBeforeAnythingIsSent() {
        BackupsViewModel model = model(Role.ADMIN);
        model.loadSettings();
        model.retainFullProperty().set("seven");
        model.saveSettings();
        assertEquals("Full backups kept: a whole number of at least 1, not 'seven'.", model.settingsErrorProperty().get());
        assertTrue(backups.calls.stream().noneMatch(c -> c.startsWith("updateSettings")), backups.calls.toString());
    }

    @Test
    void anOperatorMayBackUpButNeitherChangeTheScheduleNorRestore() {
        BackupsViewModel model = model(Role.OPERATOR);
        assertTrue(model.mayOperate());
        assertFalse(model.mayAdminister());
        assertTrue(model.wizard().mayPlan());
        assertFalse(model.wizard().mayRestore());
        model.loadSettings();
        model.retainFullProperty().set("1");
        model.saveSettings();
        assertTrue(backups.calls.stream().noneMatch(c -> c.startsWith("updateSettings")), backups.calls.toString());
        BackupsViewModel viewer = model(Role.VIEWER);
        viewer.backUpNow();
        assertTrue(backups.calls.stream().noneMatch(c -> c.startsWith("start")), "a viewer starts nothing");
    }

    @Test
    void theMonitoredInstancesArchivingIsListedWorstFirst() {
        api.archiving = List.of(archiving("alpha", InstanceArchiving.OK), archiving("beta", InstanceArchiving.DISABLED),
                archiving("gamma", InstanceArchiving.FAILING), archiving("delta", InstanceArchiving.STALE));
        BackupsViewModel model = model(Role.OPERATOR);
        model.refresh();
        assertEquals(List.of("gamma", "delta", "beta", "alpha"), model.archiving().stream().map(BackupsViewModel.ArchivingRow::instance).toList());
        assertEquals(List.of(Light.BAD, Light.WARNING, Light.UNKNOWN, Light.OK),
                model.archiving().stream().map(BackupsViewModel.ArchivingRow::light).toList());
        assertEquals("4 instances; 2 failing or stale.", model.archivingSummaryProperty().get());
    }

    @Test
    void failingHealthShowsItsProblems() {
        backups.health = "failing";
        backups.problems.add("the daily backup was missed: the last one is 30 h old");
        BackupsViewModel model = model(Role.OPERATOR);
        model.refresh();
        assertEquals(Light.BAD, model.healthLightProperty().get());
        assertEquals("Backups failing: 1 problem", model.healthProperty().get());
        assertEquals(List.of("the daily backup was missed: the last one is 30 h old"), model.problems());
    }

    // ---- helpers

    private BackupsViewModel model(Role... roles) {
        ServerConfirmation confirmation = (question, onConfirm, onCancel) -> {
            asked.add(question.summary());
            (confirm ? onConfirm : onCancel).run();
        };
        AdminService changes = new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(), confirmation);
        return new BackupsViewModel(new BackupsService(api, background, changes), Set.of(roles), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static BackupView backup(String id, String state, VerificationView verification) {
        return new BackupView(id, "embedded", "full", null, state, Instant.parse("2026-12-07T08:00:00Z"), Instant.parse("2026-12-07T08:10:00Z"),
                BackupView.COMPLETE.equals(state) ? Instant.parse("2026-12-07T08:10:00Z") : null, 1024L * 1024 * 1024, 300L * 1024 * 1024,
                "000000010000000000000003", "000000010000000000000004", "kek keystore v2", null, verification,
                BackupView.FAILED.equals(state) ? "repository full" : null, "schedule");
    }

    private static InstanceArchiving archiving(String name, String state) {
        return new InstanceArchiving(name + "-id", name, state, InstanceArchiving.DISABLED.equals(state) ? "off" : "on", 10, 0,
                "00000001000000000000000A", NOW.minusSeconds(120), null, null, NOW);
    }
}
