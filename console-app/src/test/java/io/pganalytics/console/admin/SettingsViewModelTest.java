package io.pganalytics.console.admin;

import io.pganalytics.common.settings.RetentionSettings;
import io.pganalytics.common.settings.RetentionValue;
import io.pganalytics.common.settings.RetentionValues;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings tab's view-model in plain JUnit, IO on the calling thread against a fake client. */
class SettingsViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();
    private boolean confirm = true;
    /** The server's confirmation as the dialog would show it: recorded, then confirmed or cancelled. */
    private final ServerConfirmation confirmation = (asked, onConfirm, onCancel) -> {
        this.asked.add(asked.action() + " | " + asked.summary());
        (confirm ? onConfirm : onCancel).run();
    };
    private final SettingsViewModel settings = new SettingsViewModel(new AdminService(api, background, (onAnswer, onCancel) -> onCancel.run(),
            confirmation));

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void theRetentionIsShownWithWhereEachValueComesFrom() {
        RetentionValue changed = new RetentionValue("21d", 21 * 86_400, RetentionValue.API, "carol", Instant.parse("2026-12-07T05:00:00Z"));
        RetentionSettings loaded = FakeConsoleApi.retentionSettings("14d", "90d", "730d");
        api.retention = new RetentionSettings(new RetentionValues(changed, loaded.defaults().minute(), loaded.defaults().hour()), loaded.families());
        settings.load();
        assertEquals("21d", settings.rawProperty().get());
        assertEquals("90d", settings.minuteProperty().get());
        assertTrue(settings.rawSourceProperty().get().startsWith("changed by carol on 2026-12-07"), settings.rawSourceProperty().get());
        assertEquals("configuration file", settings.minuteSourceProperty().get());
        assertEquals(List.of("database", "settings"), settings.families().stream().map(SettingsViewModel.FamilyRow::family).toList());
        assertEquals(new SettingsViewModel.FamilyRow("settings", "14d", "", "", "as for every family"), settings.families().get(1));
        settings.selectedProperty().set(settings.families().get(1));
        assertEquals("14d", settings.familyRawProperty().get());
        assertFalse(settings.familyHasRollupsProperty().get(), "a family without rollups has only raw samples");
    }

    @Test
    void onlyTheChangedValuesAreSentAndALengtheningNeedsNoConfirmation() {
        settings.load();
        settings.hourProperty().set("1000d");
        settings.saveDefaults();
        assertTrue(api.calls.contains("updateRetention RetentionLevels[raw=null, minute=null, hour=1000d] {} null"), api.calls.toString());
        assertEquals(List.of(), asked);
        assertEquals("1000d", settings.hourProperty().get());
        assertEquals("Retention for every family saved: every node applies it at the next retention run.", settings.statusProperty().get());

        settings.saveDefaults();
        assertEquals("Nothing to change.", settings.statusProperty().get());
        assertEquals(1, api.calls.stream().filter(c -> c.startsWith("updateRetention")).count());
    }

    @Test
    void aShorteningShowsTheServersSummaryAndIsSentAgainWithTheTokenOnlyOnceConfirmed() {
        api.retentionConfirmation = "raw samples older than 7 days (now 14 days) of every family will be deleted at the next retention run.";
        settings.load();
        settings.rawProperty().set("7d");
        confirm = false;
        settings.saveDefaults();
        assertEquals(List.of("settings.retention.update | " + api.retentionConfirmation), asked);
        assertEquals(List.of("updateRetention RetentionLevels[raw=7d, minute=null, hour=null] {} null"),
                api.calls.stream().filter(c -> c.startsWith("updateRetention")).toList(), "cancelled: nothing sent again");
        assertEquals("Cancelled: nothing was changed.", settings.statusProperty().get());
        assertEquals("", settings.errorProperty().get());
        assertFalse(settings.busyProperty().get(), "a cancelled confirmation leaves the page usable");

        confirm = true;
        settings.saveDefaults();
        assertTrue(api.calls.contains("updateRetention RetentionLevels[raw=7d, minute=null, hour=null] {} token-1"), api.calls.toString());
        assertEquals("7d", settings.rawProperty().get());
        assertEquals("", settings.errorProperty().get());
    }

    @Test
    void aFamilysOwnLevelIsSentForThatFamilyAndARefusalNamesTheField() {
        settings.load();
        settings.selectedProperty().set(settings.families().get(0));
        settings.familyRawProperty().set("30d");
        settings.saveFamily();
        assertTrue(api.calls.contains("updateRetention null " + Map.of("database", new io.pganalytics.common.settings.RetentionLevels("30d", null, null))
                + " null"), api.calls.toString());

        api.failure = io.pganalytics.console.api.ApiException.rejected(new io.pganalytics.common.api.ApiError(400,
                io.pganalytics.common.api.ErrorType.VALIDATION_FAILED, "invalid request",
                List.of(new io.pganalytics.common.api.ErrorDetail("defaults.raw", "3d is shorter than ingest.max-age (7d)")), null));
        settings.rawProperty().set("3d");
        settings.saveDefaults();
        assertEquals("Retention for every family was refused: Invalid request. (defaults.raw: 3d is shorter than ingest.max-age (7d))",
                settings.errorProperty().get());
    }
}
