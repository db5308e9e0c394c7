package io.pganalytics.console.backups;

import io.pganalytics.common.auth.Role;
import io.pganalytics.common.backup.OperationView;
import io.pganalytics.common.backup.RecoveryWindow;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore wizard's view-model in plain JUnit against a fake client. */
class RestoreWizardViewModelTest {
    private static final RecoveryWindow FIRST = new RecoveryWindow(Instant.parse("2026-12-05T01:10:00Z"), Instant.parse("2026-12-05T13:10:00Z"), "b1", 1);
    private static final RecoveryWindow SECOND = new RecoveryWindow(Instant.parse("2026-12-06T01:10:00Z"), Instant.parse("2026-12-07T01:10:00Z"), "b2", 1);

    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeBackupsApi backups = api.backups;
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theTimelinePlacesEachWindowOnTheSpanOfAllOfThem() {
        List<RestoreWizardViewModel.Span> spans = RestoreWizardViewModel.spans(List.of(FIRST, SECOND));
        assertEquals(0.0, spans.get(0).start(), 1e-9);
        assertEquals(12.0 / 48, spans.get(0).end(), 1e-9);
        assertEquals(24.0 / 48, spans.get(1).start(), 1e-9);
        assertEquals(1.0, spans.get(1).end(), 1e-9);
        assertTrue(spans.get(1).label().contains("from backup b2"), spans.get(1).label());
    }

    @Test
    void restoreIsEnabledOnlyAfterADryRunOfTheSameInputs() {
        RestoreWizardViewModel wizard = wizard(Role.ADMIN);
        wizard.targetProperty().set("/srv/restore-1");
        assertFalse(wizard.restoreEnabledProperty().get(), "not before a dry run");
        wizard.dryRun();
        assertTrue(wizard.restoreEnabledProperty().get(), "after a successful dry run");
        assertEquals(List.of("read backup b2", "replay WAL to 2026-12-07T01:10:00Z", "promote"), wizard.steps());
        assertEquals(List.of("the second region is 2 min behind"), wizard.warnings());
        assertTrue(wizard.planSummaryProperty().get().contains("reads 48.0 MB into /srv/restore-1"), wizard.planSummaryProperty().get());
        wizard.targetProperty().set("/srv/restore-2");
        assertFalse(wizard.restoreEnabledProperty().get(), "another target needs its own dry run");
        wizard.targetProperty().set("/srv/restore-1");
        assertTrue(wizard.restoreEnabledProperty().get(), "the same inputs as the dry run");
        wizard.latestProperty().set(false);
        assertFalse(wizard.restoreEnabledProperty().get(), "another point needs its own dry run");
    }

    @Test
    void aTimeOutsideEveryWindowIsRefusedWithTheServersMessage() {
        RestoreWizardViewModel wizard = wizard(Role.ADMIN);
        wizard.targetProperty().set("/srv/restore");
        wizard.latestProperty().set(false);
        wizard.dateProperty().set("2026-12-05");
        wizard.timeProperty().set("20:00");
        assertTrue(wizard.choiceProperty().get().contains("outside every window"), wizard.choiceProperty().get());
        wizard.dryRun();
        assertTrue(backups.calls.contains("plan 2026-12-05T20:00:00Z /srv/restore"), backups.calls.toString());
        assertTrue(wizard.errorProperty().get().startsWith("The dry run was refused: 2026-12-05T20:00:00Z is outside every recovery window; "
                + "the nearest valid times are"), wizard.errorProperty().get());
        assertFalse(wizard.restoreEnabledProperty().get());
        assertTrue(wizard.steps().isEmpty());
    }

    @Test
    void aBadDateOrNoTargetIsSaidAndNothingIsSent() {
        RestoreWizardViewModel wizard = wizard(Role.ADMIN);
        wizard.dryRun();
        assertTrue(wizard.errorProperty().get().startsWith("Choose a target directory"), wizard.errorProperty().get());
        wizard.targetProperty().set("/srv/restore");
        wizard.latestProperty().set(false);
        wizard.dateProperty().set("7 Dec");
        wizard.dryRun();
        assertTrue(wizard.errorProperty().get().startsWith("Enter a date (2026-12-07)"), wizard.errorProperty().get());
        assertTrue(backups.calls.stream().noneMatch(c -> c.startsWith("plan")), backups.calls.toString());
    }

    @Test
    void theRestoreIsConfirmedThenFollowedUntilItEnds() {
        api.confirmationsRequired = 1;
        api.confirmationAction = "backup.restore";
        api.confirmationSummary = "Restore to 2026-12-06T12:00:00Z into /srv/restore from backup b2.";
        BackupsViewModel screen = screen(Role.ADMIN);
        RestoreWizardViewModel wizard = screen.wizard();
        wizard.targetProperty().set("/srv/restore");
        wizard.choose(SECOND);
        wizard.timeProperty().set("12:00:00");
        wizard.dateProperty().set("2026-12-06");
        wizard.dryRun();
        wizard.restore();
        assertEquals(List.of(api.confirmationSummary), asked);
        assertTrue(backups.calls.contains("restore 2026-12-06T12:00:00Z /srv/restore"), backups.calls.toString());
        assertTrue(api.calls.stream().anyMatch(c -> c.startsWith("confirmed token-")), api.calls.toString());
        OperationView run = wizard.progress().operationProperty().get();
        assertTrue(wizard.progress().runningProperty().get());
        assertFalse(wizard.restoreEnabledProperty().get(), "not twice while it runs");
        backups.progress.get(run.id()).add(FakeBackupsApi.next(run, OperationView.SUCCEEDED, 5000));
        screen.poll();
        assertFalse(wizard.progress().runningProperty().get());
        assertTrue(wizard.progress().textProperty().get().startsWith("Restore succeeded"), wizard.progress().textProperty().get());
        assertFalse(wizard.restoreEnabledProperty().get(), "another restore needs its own dry run");
    }

    @Test
    void anOperatorMayDryRunButIsNeverOfferedTheRestore() {
        RestoreWizardViewModel wizard = wizard(Role.OPERATOR);
        wizard.targetProperty().set("/srv/restore");
        wizard.dryRun();
        assertFalse(wizard.steps().isEmpty());
        assertFalse(wizard.restoreEnabledProperty().get());
        wizard.restore();
        assertTrue(backups.calls.stream().noneMatch(c -> c.startsWith("restore")), backups.calls.toString());
    }

    private RestoreWizardViewModel wizard(Role role) {
        return screen(role).wizard();
    }

    private BackupsViewModel screen(Role role) {
        backups.windows = new ArrayList<>(List.of(FIRST, SECOND));
        ServerConfirmation confirmation = (question, onConfirm, onCancel) -> {
            asked.add(question.summary());
            onConfirm.run();
        };
        AdminService changes = new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(), confirmation);
        BackupsViewModel model = new BackupsViewModel(new BackupsService(api, background, changes), Set.of(role),
                Clock.fixed(BackupsViewModelTest.NOW, ZoneOffset.UTC));
        model.wizard().load();
        return model;
    }
}
