package io.pganalytics.common.alerting;

import java.util.List;

/**
 * One level of an escalation policy.
 *
 * @param targets notified together, at least one
 * @param after   how long the level waits for an acknowledgement before the next is notified ({@code 15m})
 */
public record EscalationLevel(List<EscalationTarget> targets, String after) {

    public EscalationLevel {
        targets = targets == null ? List.of() : List.copyOf(targets);
    }
}
