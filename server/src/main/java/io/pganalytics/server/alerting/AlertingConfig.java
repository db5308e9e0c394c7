package io.pganalytics.server.alerting;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code alerting} node (docs/ALERTING.md, "Configuration").
 *
 * @param enabled                 whether rules are evaluated and notifications sent: on by default
 * @param evaluationInterval      how often a node evaluates every rule it owns (besides after ingest)
 * @param ingestDelay             how long a node gathers ingest notices before it evaluates the rules of the instances
 *                                that received data (the delay from ingest to a state change is about this)
 * @param staleness               a value older than this is not the latest value of a signal (a threshold rule on it
 *                                is then neither true nor false: the alert keeps its state)
 * @param maxRules                the most rules the server accepts
 * @param groupWait               a route's default wait before an incident's first notification
 * @param groupInterval           a route's default least time between two updates of one incident
 * @param repeatInterval          a route's default repeat of a firing, unacknowledged incident
 * @param dispatchInterval        how often each node looks for notifications that are due
 * @param deliveryTimeout         one delivery attempt's connect and answer time
 * @param retryInitial            the first retry's delay (doubled each attempt, with jitter)
 * @param retryMax                the longest delay between two attempts
 * @param maxAttempts             attempts before a notification is marked failed
 * @param maxPendingNotifications the notification queue's bound: past it new notifications are recorded as dropped
 * @param noiseThresholdPercent   a rule whose share of feedback marked noise is above this is flagged
 * @param effectivenessWindow     the span of the per-rule figures
 * @param previewMaxInstances     the most instances one rule preview evaluates
 * @param previewMaxSpan          the longest span one rule preview evaluates
 * @param historyRetention        how long resolved alerts, incidents and notifications are kept
 */
public record AlertingConfig(boolean enabled,
                             Duration evaluationInterval,
                             Duration ingestDelay,
                             Duration staleness,
                             int maxRules,
                             Duration groupWait,
                             Duration groupInterval,
                             Duration repeatInterval,
                             Duration dispatchInterval,
                             Duration deliveryTimeout,
                             Duration retryInitial,
                             Duration retryMax,
                             int maxAttempts,
                             int maxPendingNotifications,
                             int noiseThresholdPercent,
                             Duration effectivenessWindow,
                             int previewMaxInstances,
                             Duration previewMaxSpan,
                             Duration historyRetention) {

    public static AlertingConfig defaults() {
        return from(Config.empty());
    }

    public static AlertingConfig from(Config node) {
        return new AlertingConfig(
                Settings.bool(node, "enabled", true),
                Settings.duration(node, "evaluation-interval", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                Settings.duration(node, "ingest-delay", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(30)),
                Settings.duration(node, "staleness", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofHours(6)),
                Settings.integer(node, "max-rules", 10_000, 1, 100_000),
                Settings.duration(node, "group-wait", Duration.ofSeconds(1), Duration.ZERO, Duration.ofHours(1)),
                Settings.duration(node, "group-interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1)),
                Settings.duration(node, "repeat-interval", Duration.ofHours(4), Duration.ofMinutes(1), Duration.ofDays(7)),
                Settings.duration(node, "dispatch-interval", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMinutes(1)),
                Settings.duration(node, "delivery-timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(2)),
                Settings.duration(node, "retry-initial", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(10)),
                Settings.duration(node, "retry-max", Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofHours(6)),
                Settings.integer(node, "max-attempts", 10, 1, 100),
                Settings.integer(node, "max-pending-notifications", 10_000, 10, 1_000_000),
                Settings.integer(node, "noise-threshold-percent", 30, 1, 100),
                Settings.duration(node, "effectiveness-window", Duration.ofDays(30), Duration.ofDays(1), Duration.ofDays(400)),
                Settings.integer(node, "preview-max-instances", 50, 1, 1000),
                Settings.duration(node, "preview-max-span", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(31)),
                Settings.duration(node, "history-retention", Duration.ofDays(90), Duration.ofDays(1), Duration.ofDays(3650)));
    }
}
