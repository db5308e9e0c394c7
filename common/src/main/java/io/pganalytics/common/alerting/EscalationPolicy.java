package io.pganalytics.common.alerting;

import java.util.List;

/**
 * {@code /api/v1/oncall/escalation-policies}: notify level 1, then level 2 after its {@code after} without an
 * acknowledgement, and so on; the whole policy is run {@code repeat} more times.
 *
 * @param id             the policy's id
 * @param name           unique
 * @param levels         at least one, at most 10
 * @param repeat         0..10
 * @param emailReceiverId the email receiver whose SMTP server mails persons (schedule and user targets)
 * @param version        the optimistic-lock version
 */
public record EscalationPolicy(Long id, String name, List<EscalationLevel> levels, int repeat, Long emailReceiverId, long version) {

    public EscalationPolicy {
        levels = levels == null ? List.of() : List.copyOf(levels);
    }
}
