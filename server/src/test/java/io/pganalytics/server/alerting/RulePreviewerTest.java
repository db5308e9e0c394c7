package io.pganalytics.server.alerting;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.RuleScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.pganalytics.server.alerting.EngineFixture.BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The preview: what a rule would have fired over stored history, through the same state machine ({@code for}). */
class RulePreviewerTest {
    private static HikariDataSource db;

    @BeforeAll
    static void start() {
        db = EngineFixture.database("alert_preview");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static RulePreviewer previewer() {
        return new RulePreviewer(AlertingConfig.defaults(), db, new EngineFixture.HostLoadSignals(), new InstanceTable(db),
                new Conditions(AlertingConfig.defaults().staleness(), 4.0));
    }

    @Test
    void previewFindsTheEpisodesLongerThanForWithTheirPeaks() throws Exception {
        long db1 = EngineFixture.instance(db, "history-db1");
        // 3 hours of a point a minute at load 1; an episode of 10 minutes (peak 12) and a blip of 2 minutes at 9
        for (int minute = 0; minute < 180; minute++) {
            double value = minute >= 60 && minute < 70 ? (minute == 65 ? 12 : 9) : minute >= 120 && minute < 122 ? 9 : 1;
            EngineFixture.load(db, db1, BASE.plus(Duration.ofMinutes(minute)), value);
        }
        AlertRule rule = new AlertRule(null, "PreviewLoad", null, null, true, AlertRule.WARNING, Condition.threshold("host_load1", ">", 5),
                "5m", new RuleScope(List.of(db1), Map.of()), Map.of(), "{{instance}}", null, 1, null, null, 0);
        RulePreview preview = previewer().preview(rule, BASE, BASE.plus(Duration.ofHours(3)));
        assertEquals(1, preview.instancesEvaluated());
        assertEquals(1, preview.firings().size(), "the 2-minute blip is shorter than for: " + preview.firings());
        assertEquals(BASE.plus(Duration.ofMinutes(65)), preview.firings().get(0).firedAt());
        assertEquals(BASE.plus(Duration.ofMinutes(70)), preview.firings().get(0).resolvedAt());
        assertEquals(12.0, preview.firings().get(0).peakValue());
    }

    @Test
    void previewRefusesAnInvalidRuleOrTooLongASpan() {
        AlertRule bad = new AlertRule(null, "Bad", null, null, true, AlertRule.WARNING, Condition.threshold("nope", ">", 5), "0s",
                RuleScope.all(), Map.of(), "x", null, 1, null, null, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> previewer().preview(bad, BASE, BASE.plusSeconds(3600)));
        assertTrue(e.getMessage().contains("condition.signal: 'nope' is not a signal"), e.getMessage());
        AlertRule ok = new AlertRule(null, "Ok", null, null, true, AlertRule.WARNING, Condition.threshold("host_load1", ">", 5), "0s",
                RuleScope.all(), Map.of(), "x", null, 1, null, null, 0);
        e = assertThrows(IllegalArgumentException.class, () -> previewer().preview(ok, BASE, BASE.plus(Duration.ofDays(40))));
        assertTrue(e.getMessage().contains("alerting.preview-max-span"), e.getMessage());
    }
}
