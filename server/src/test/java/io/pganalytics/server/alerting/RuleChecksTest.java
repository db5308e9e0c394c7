package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule language's checks: every problem named by its field, a valid rule has none. */
class RuleChecksTest {
    private static final SignalSource SIGNALS = new EngineFixture.HostLoadSignals();

    private static AlertRule rule(Condition condition, String forDuration, Map<String, String> labels, String summary, Escalation escalation) {
        return new AlertRule(null, "HighLoad", null, null, true, AlertRule.WARNING, condition, forDuration, RuleScope.all(), labels,
                summary, escalation, 1, null, null, 0);
    }

    private static List<String> problems(AlertRule rule) {
        return RuleChecks.problems(rule, SIGNALS);
    }

    @Test
    void validRulesOfEveryKindHaveNoProblem() {
        Condition rate = new Condition(Condition.RATE_OF_CHANGE, "host_load1", ">", 2.0, "15m", null, null, null);
        Condition absence = new Condition(Condition.ABSENCE, "collected", null, null, "5m", null, null, null);
        Condition anomaly = new Condition(Condition.ANOMALY, null, null, null, null, "statement_latency_ms:*", "critical", null);
        Condition any = new Condition(Condition.ANY, null, null, null, null, null, null, List.of(rate, absence, anomaly));
        for (Condition c : List.of(Condition.threshold("host_load1", ">=", 8), rate, absence, anomaly, any)) {
            assertEquals(List.of(), problems(rule(c, "5m", Map.of("team", "dba"), "{{instance}}: {{value}}", null)), c.kind());
        }
        assertEquals(List.of(), problems(rule(Condition.threshold("host_load1", ">", 8), "0s", Map.of(), "x",
                new Escalation("30m", 20.0, AlertRule.CRITICAL))));
    }

    @Test
    void eachProblemNamesItsField() {
        Condition nested = new Condition(Condition.ALL, null, null, null, null, null, null, List.of(
                new Condition(Condition.THRESHOLD, "no_such_signal", "=>", null, null, null, null, null),
                new Condition(Condition.RATE_OF_CHANGE, "host_load1", ">", 1.0, "soon", null, null, null),
                new Condition(Condition.ANY, null, null, null, null, null, null, List.of(Condition.threshold("host_load1", ">", 1)))));
        List<String> problems = problems(rule(nested, "9d", Map.of("severity", "high", "Bad-Key", "x"), "{{#unclosed}}",
                new Escalation(null, null, AlertRule.INFO)));
        String all = String.join("\n", problems);
        for (String expected : List.of(
                "condition.conditions[0].signal: 'no_such_signal' is not a signal",
                "condition.conditions[0].op: '=>' is not one of",
                "condition.conditions[0].value: a finite number is required",
                "condition.conditions[1].window: 'soon' is not a duration",
                "condition.conditions[2].kind: any cannot be nested",
                "forDuration: 9d is longer than 7d",
                "labels.severity: set by the server",
                "labels: 'Bad-Key' is not a label name",
                "summary: not a valid template",
                "escalation.to: info is not above the rule's severity warning",
                "escalation: after or above is required")) {
            assertTrue(all.contains(expected), "missing '" + expected + "' in:\n" + all);
        }
    }

    @Test
    void tooManyPartsAndMissingFieldsAreRefused() {
        Condition six = new Condition(Condition.ANY, null, null, null, null, null, null,
                java.util.Collections.nCopies(6, Condition.threshold("host_load1", ">", 1)));
        AlertRule bad = new AlertRule(null, "9lives", null, null, true, "urgent", six, null, RuleScope.all(), Map.of(), " ", null, 1,
                null, null, 0);
        String all = String.join("\n", problems(bad));
        assertTrue(all.contains("name: '9lives' is not a rule name"), all);
        assertTrue(all.contains("severity: 'urgent' is not one of info, warning, critical"), all);
        assertTrue(all.contains("condition.conditions: 6 parts, 1 to 5 allowed"), all);
        assertTrue(all.contains("summary: required"), all);
    }
}
