package io.pganalytics.server.live;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;

/**
 * The {@code live} node.
 *
 * @param maxSubscribers  open streams per node; the next one gets 503 with Retry-After
 * @param heartbeat       a comment line after this long without an event
 * @param queueCapacity   events waiting for one slow subscriber; beyond it the oldest is dropped
 * @param replayEvents    events kept per instance on each node for Last-Event-ID resumption
 * @param maxInstances    instances whose recent events each node keeps (the least recently updated are forgotten)
 * @param maxStreamsPerUser open streams of one user on one node; the next one gets 429 with Retry-After
 */
public record LiveConfig(int maxSubscribers, Duration heartbeat, int queueCapacity, int replayEvents, int maxInstances,
                         int maxStreamsPerUser) {

    public static LiveConfig from(Config node) {
        return new LiveConfig(
                Settings.integer(node, "max-subscribers", 1000, 1, 100_000),
                Settings.duration(node, "heartbeat", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(5)),
                Settings.integer(node, "queue-capacity", 32, 1, 10_000),
                Settings.integer(node, "replay-events", 16, 1, 1000),
                Settings.integer(node, "max-instances", 10_000, 1, 1_000_000),
                Settings.integer(node, "max-streams-per-user", 10, 1, 100_000));
    }
}
