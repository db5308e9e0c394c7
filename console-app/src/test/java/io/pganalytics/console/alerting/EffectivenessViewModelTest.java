package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.TuningSuggestion;
import io.pganalytics.console.common.Background;
import io.pganalytics.console.testing.FakeConsoleApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The effectiveness tab's view-model in plain JUnit against a fake client. */
class EffectivenessViewModelTest {
    private final FakeConsoleApi api = new FakeConsoleApi();
    private final Background background = Background.direct();

    @AfterEach
    void close() {
        background.close();
    }

    @Test
    void flaggedRulesComeFirstAndTheFirstOnesSuggestionsAreShown() {
        api.alerting.effectiveness = List.of(
                new RuleEffectiveness(1, "LockWaits", 4, 4, 4, 0, 0.0, 120.0, 600.0, false, List.of()),
                new RuleEffectiveness(2, "CacheHitRatioDrop", 14, 14, 2, 12, 12 / 14.0, 900.0, 5400.0, true, List.of(
                        new TuningSuggestion("threshold", "A threshold of 0.95 would have kept 2 of 14 firings, both marked useful", "0.95"),
                        new TuningSuggestion("maintenance_window", "10 of the 12 noisy firings were on Sundays 02:00-04:00", "SUN 02:00-04:00 UTC"))),
                new RuleEffectiveness(3, "TempFileGrowth", 0, 0, 0, 0, null, null, null, false, List.of()));
        EffectivenessViewModel model = new EffectivenessViewModel(AlertingFixtures.service(api, background, new ArrayList<>(), new boolean[]{true}));
        model.load();
        assertTrue(api.alerting.calls.contains("effectiveness 30"), api.alerting.calls.toString());
        assertEquals(List.of("CacheHitRatioDrop", "LockWaits", "TempFileGrowth"), model.rows().stream().map(EffectivenessViewModel.EffectivenessRow::rule).toList());
        EffectivenessViewModel.EffectivenessRow noisy = model.rows().getFirst();
        assertEquals("85.7 %", noisy.noiseShare());
        assertEquals("1.5 h", noisy.timeToResolve());
        assertEquals("–", model.rows().get(2).noiseShare());
        assertEquals(noisy, model.selectedProperty().get());
        assertEquals(List.of("higher threshold", "maintenance window"), model.suggestions().stream().map(EffectivenessViewModel.SuggestionRow::kind).toList());
        assertEquals("0.95", model.suggestions().getFirst().proposed());
        assertEquals("CacheHitRatioDrop is flagged as noisy. What would have cut its noise:", model.suggestionsTitleProperty().get());
        assertEquals("3 rules, 18 firings over 30 days; feedback 6 useful, 12 noise (66.7 % noise); 1 flagged", model.summaryProperty().get());

        model.daysProperty().set(7);
        assertTrue(api.alerting.calls.contains("effectiveness 7"), api.alerting.calls.toString());
    }
}
