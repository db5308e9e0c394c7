package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.server.http.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the rule routes ask of the alerting engine (server.alerting): the signals a condition may name, the checks of a
 * rule's condition beyond its structure, and the preview of what a rule would have fired. {@code AlertingFeature}
 * adapts the engine's {@code SignalSource}, {@code RuleChecks} and {@code RulePreviewer} to it.
 */
public interface RuleEngine {

    /** A build without the engine: no signals, only the structural checks of this package, and previews refused (503). */
    RuleEngine NONE = new RuleEngine() {
        @Override
        public List<SignalInfo> signals() {
            return List.of();
        }

        @Override
        public List<ErrorDetail> problems(AlertRule rule) {
            return List.of();
        }

        @Override
        public RulePreview preview(AlertRule rule, Instant from, Instant to) {
            throw ApiException.unavailable("rule previews need the alerting engine, which this server was started without",
                    Duration.ofSeconds(60));
        }
    };

    /** Every signal a condition may name. */
    List<SignalInfo> signals();

    /** What is wrong with a rule's condition, each naming its field ({@code condition.signal}); empty when it is sound. */
    List<ErrorDetail> problems(AlertRule rule);

    /** What a checked rule would have fired over {@code [from, to)} (bounded by the engine). */
    RulePreview preview(AlertRule rule, Instant from, Instant to);
}
