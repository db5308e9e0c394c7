package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeAlertingAdminApi;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pganalytics.console.alerting.AlertingFixtures.lockWaits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules tab's view-models in plain JUnit, IO on the calling thread against a fake client. */
class RuleEditorViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final FakeAlertingAdminApi alerting = api.alerting;
    private final Background background = Background.direct();
    private final List<String> asked = new ArrayList<>();
    private final boolean[] confirm = {false};
    private RulesViewModel rules;
    private RuleEditorViewModel editor;

    @BeforeEach
    void open() {
        AlertingFixtures.fleet(api);
        rules = new RulesViewModel(AlertingFixtures.service(api, background, asked, confirm), true);
        editor = rules.editor();
        rules.start();
    }

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void aThresholdRuleIsBuiltFromTheFieldsWithItsScopeResolvedAndSavedAsANewRule() {
        editor.nameProperty().set("ConnectionSaturation");
        editor.severityProperty().set(AlertRule.CRITICAL);
        ConditionPart part = editor.parts().getFirst();
        part.signalProperty().set("connection_saturation_ratio");
        part.opProperty().set(">=");
        part.valueProperty().set("0.9");
        editor.forDurationProperty().set("10m");
        editor.scopeInstancesProperty().set("shop-primary, billing");
        editor.labelsProperty().set("team=db, page=yes");
        editor.summaryProperty().set("{{instance}}: {{value}} of max_connections");
        editor.escalateToProperty().set("critical");
        editor.escalateAfterProperty().set("30m");
        editor.save();

        assertEquals("", editor.errorProperty().get());
        AlertRule saved = alerting.rules.getFirst();
        assertEquals(Condition.threshold("connection_saturation_ratio", ">=", 0.9), saved.condition());
        assertEquals("10m", saved.forDuration());
        assertEquals(List.of(1L, 3L), saved.scope().instances());
        assertEquals(Map.of("team", "db", "page", "yes"), saved.labels());
        assertEquals("30m", saved.escalation().after());
        assertEquals("critical", saved.escalation().to());
        assertEquals("Saved ConnectionSaturation.", editor.statusProperty().get());
        assertEquals(List.of("ConnectionSaturation"), rules.rules().stream().map(RulesViewModel.RuleRow::name).toList());
        assertEquals("connection_saturation_ratio >= 0.9", rules.rules().getFirst().condition());
        assertEquals("shop-primary, billing", rules.rules().getFirst().scope());
    }

    @Test
    void twoPartsUnderAnyBuildACompoundOfARateOfChangeAndAnAbsence() throws Exception {
        editor.nameProperty().set("ReplicationTrouble");
        ConditionPart first = editor.parts().getFirst();
        first.kindProperty().set(Condition.RATE_OF_CHANGE);
        first.signalProperty().set("replication_lag_seconds");
        first.windowProperty().set("15m");
        first.opProperty().set(">");
        first.valueProperty().set("600");
        editor.addPart();
        assertEquals(Condition.ALL, editor.combineProperty().get());
        editor.combineProperty().set(Condition.ANY);
        ConditionPart second = editor.parts().get(1);
        second.kindProperty().set(Condition.ABSENCE);
        second.signalProperty().set("collected");
        second.windowProperty().set("5m");

        AlertRule rule = editor.rule();
        assertEquals(Condition.ANY, rule.condition().kind());
        assertEquals(List.of(new Condition(Condition.RATE_OF_CHANGE, "replication_lag_seconds", ">", 600.0, "15m", null, null, null),
                new Condition(Condition.ABSENCE, "collected", null, null, "5m", null, null, null)), rule.condition().conditions());
        assertEquals("(rate(replication_lag_seconds, 15m) > 600/h or absent(collected, 5m))", ConditionPart.describe(rule.condition()));
        for (int i = 0; i < 3; i++) {
            editor.addPart();
        }
        editor.addPart();
        assertEquals(5, editor.parts().size());
        assertEquals("A rule combines at most 5 conditions.", editor.errorProperty().get());
    }

    @Test
    void thePreviewShowsEachFiringAndTheFiringsPerDayOfTheLastSevenDays() {
        alerting.preview = AlertingFixtures.preview();
        editor.nameProperty().set("LockWaits");
        editor.parts().getFirst().signalProperty().set("lock_waiting_connections");
        editor.parts().getFirst().valueProperty().set("0");
        editor.preview();

        assertEquals("LockWaits", alerting.previewed.getFirst().name());
        assertTrue(alerting.calls.contains("preview LockWaits 7"), alerting.calls.toString());
        assertEquals(3, editor.previewRows().size());
        assertEquals("still firing", editor.previewRows().get(2).duration());
        assertEquals(List.of("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06", "12-07"),
                editor.previewDays().stream().map(RuleEditorViewModel.DayCount::day).toList());
        assertEquals(List.of(0, 1, 0, 0, 2, 0, 0, 0), editor.previewDays().stream().map(RuleEditorViewModel.DayCount::firings).toList());
        assertTrue(editor.previewSummaryProperty().get().startsWith("It would have fired 3 times on 2 of 4 instances"),
                editor.previewSummaryProperty().get());
        assertTrue(alerting.rules.isEmpty(), "a preview saves nothing");
    }

    @Test
    void fieldsThatSayNoRuleAreRefusedWithASentenceAndNothingIsSent() {
        editor.nameProperty().set("LockWaits");
        editor.save();
        assertEquals("Condition: choose a signal.", editor.errorProperty().get());
        editor.parts().getFirst().signalProperty().set("lock_waiting_connections");
        editor.parts().getFirst().valueProperty().set("many");
        editor.preview();
        assertEquals("Condition value: \"many\" is not a number.", editor.errorProperty().get());
        editor.parts().getFirst().valueProperty().set("0");
        editor.scopeInstancesProperty().set("nowhere");
        editor.save();
        assertEquals("Scope: no monitored instance is named \"nowhere\".", editor.errorProperty().get());
        editor.scopeInstancesProperty().set("");
        editor.forDurationProperty().set("five minutes");
        editor.save();
        assertEquals("For: \"five minutes\" is not a duration such as 30s, 5m, 1h or 7d.", editor.errorProperty().get());
        editor.forDurationProperty().set("5m");
        editor.nameProperty().set("2bad");
        editor.save();
        assertTrue(editor.errorProperty().get().startsWith("Name:"), editor.errorProperty().get());
        assertFalse(alerting.calls.stream().anyMatch(c -> c.startsWith("createRule") || c.startsWith("preview")), alerting.calls.toString());
    }

    @Test
    void aSavedRuleIsEditedWithItsVersionAndAStaleVersionShowsTheServersConflict() {
        alerting.rules.add(lockWaits(5));
        rules.load();
        rules.selectedProperty().set(rules.rules().getFirst());
        assertEquals("LockWaits  (default pack)", editor.titleProperty().get());
        assertEquals("lock_waiting_connections", editor.parts().getFirst().signalProperty().get());
        assertEquals("0", editor.parts().getFirst().valueProperty().get());
        editor.forDurationProperty().set("2m");
        editor.save();
        assertEquals("2m", alerting.rules.getFirst().forDuration());
        assertEquals(4, alerting.rules.getFirst().version());
        assertEquals("lock_waits", alerting.rules.getFirst().packKey());
        assertEquals("Saved LockWaits.", editor.statusProperty().get(), "the list read again after the save keeps the editor as it is");

        alerting.rules.set(0, lockWaits(5));
        editor.forDurationProperty().set("3m");
        editor.save();
        assertTrue(editor.errorProperty().get().contains("was changed by someone else"), editor.errorProperty().get());
    }

    @Test
    void deletingARuleAsksTheServersConfirmationAndCancelKeepsIt() {
        alerting.rules.add(lockWaits(5));
        api.confirmationsRequired = 1;
        api.confirmationSummary = "Delete rule LockWaits: its alerts resolve.";
        rules.load();
        rules.selectedProperty().set(rules.rules().getFirst());
        rules.delete();
        assertEquals(List.of("Delete rule LockWaits: its alerts resolve."), asked);
        assertEquals(1, alerting.rules.size());
        assertEquals("", rules.errorProperty().get());

        confirm[0] = true;
        rules.selectedProperty().set(rules.rules().getFirst());
        rules.delete();
        assertTrue(alerting.rules.isEmpty());
        assertTrue(rules.rules().isEmpty());
        assertNull(rules.selectedProperty().get());
    }

    @Test
    void aViewerMayPreviewButNotSave() {
        RulesViewModel viewer = new RulesViewModel(AlertingFixtures.service(api, background, asked, confirm), false);
        viewer.start();
        alerting.preview = AlertingFixtures.preview();
        viewer.editor().nameProperty().set("LockWaits");
        viewer.editor().parts().getFirst().signalProperty().set("lock_waiting_connections");
        viewer.editor().parts().getFirst().valueProperty().set("0");
        viewer.editor().save();
        viewer.editor().preview();
        assertEquals(3, viewer.editor().previewRows().size());
        assertFalse(alerting.calls.stream().anyMatch(c -> c.startsWith("createRule")));
    }
}
