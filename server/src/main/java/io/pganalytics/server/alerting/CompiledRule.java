package io.pganalytics.server.alerting;

import com.samskivert.mustache.Template;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.units.Durations;

import java.time.Duration;

/** A valid rule with its durations parsed and its summary compiled, as the evaluator and the preview use it. */
record CompiledRule(AlertRule rule, Duration forDuration, Template summary, Duration escalateAfter) {

    static CompiledRule of(AlertRule rule) {
        Duration after = rule.escalation() == null || rule.escalation().after() == null ? null
                : Durations.parse(rule.escalation().after());
        return new CompiledRule(rule, RuleChecks.forDuration(rule), Summaries.compile(rule.summary()), after);
    }

    long id() {
        return rule.id();
    }
}
