package io.pganalytics.common.alerting;

/**
 * A rule's severity escalation: the alert's severity becomes {@code to} once it has fired for {@code after}, or at once
 * when its value passes {@code above} (for rules whose op is {@code <} or {@code <=}: falls below it). Either may be null,
 * not both.
 *
 * @param after a duration ({@code 30m})
 * @param above the level
 * @param to    the severity escalated to ({@code critical})
 */
public record Escalation(String after, Double above, String to) {
}
