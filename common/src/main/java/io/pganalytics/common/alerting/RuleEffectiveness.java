package io.pganalytics.common.alerting;

import java.util.List;

/**
 * {@code GET /api/v1/rules/effectiveness}: how a rule did over the last {@code days} days.
 *
 * @param ruleId                  the rule
 * @param ruleName                its name
 * @param firings                 alerts that fired
 * @param notifications           notifications sent for its incidents
 * @param useful                  firings whose incident or notification was marked useful
 * @param noise                   marked noise
 * @param noiseShare              noise / (useful + noise); null when no feedback
 * @param meanTimeToAcknowledgeSeconds null when none was acknowledged
 * @param meanTimeToResolveSeconds     null when none resolved
 * @param flagged                 the noise share is above {@code alerting.noise-threshold}
 * @param suggestions             what would cut the noise (flagged rules)
 */
public record RuleEffectiveness(long ruleId, String ruleName, int firings, int notifications, int useful, int noise, Double noiseShare,
                                Double meanTimeToAcknowledgeSeconds, Double meanTimeToResolveSeconds, boolean flagged,
                                List<TuningSuggestion> suggestions) {

    public RuleEffectiveness {
        suggestions = suggestions == null ? List.of() : List.copyOf(suggestions);
    }
}
