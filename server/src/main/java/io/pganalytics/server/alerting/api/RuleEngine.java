package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.api.ErrorDetail;

import java.time.Instant;
import java.util.List;

/**
 * What the rule routes ask of the alerting engine (server.alerting): the signals a condition may name, the checks of a
 * rule (the rule language's, one definition), and the preview of what a rule would have fired.
 * {@link AlertingApi#engine} adapts the engine's {@code SignalSource}, {@code RuleChecks} and {@code RulePreviewer}.
 */
public interface RuleEngine {

    /** Every signal a condition may name. */
    List<SignalInfo> signals();

    /** What is wrong with a rule, each naming its field ({@code condition.signal}); empty when it is sound. */
    List<ErrorDetail> problems(AlertRule rule);

    /** What a checked rule would have fired over {@code [from, to)} (bounded by the engine). */
    RulePreview preview(AlertRule rule, Instant from, Instant to);
}
