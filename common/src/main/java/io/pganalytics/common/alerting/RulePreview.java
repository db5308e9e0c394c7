package io.pganalytics.common.alerting;

import java.time.Instant;
import java.util.List;

/**
 * {@code POST /api/v1/rules/preview}: what a rule (saved or not) would have fired over the past days, evaluated on the
 * stored history at its evaluation step.
 *
 * @param from                 the preview's start
 * @param to                   its end
 * @param instancesEvaluated   instances in the rule's scope that were evaluated
 * @param instancesInScope     instances in its scope (more than evaluated when truncated)
 * @param firings              the alerts it would have fired, oldest first, at most 500
 * @param truncated            whether instances or firings were cut to the bounds
 */
public record RulePreview(Instant from, Instant to, int instancesEvaluated, int instancesInScope, List<PreviewFiring> firings, boolean truncated) {

    public RulePreview {
        firings = List.copyOf(firings);
    }
}
