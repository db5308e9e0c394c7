package io.pganalytics.server.anomaly;

import io.helidon.config.Config;
import io.pganalytics.analytics.anomaly.DetectorConfig;
import io.pganalytics.server.config.Settings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code anomaly} node (docs/ANOMALIES.md, "Configuration").
 *
 * @param enabled            whether instances are scored at all: on by default
 * @param scoreInterval      how often a node scores the instances it owns that received data (the delay from ingest to
 *                           a verdict is at most about this)
 * @param sweepInterval      how often a node also checks every instance it owns for data it was not told of (a lost
 *                           notice, a node that died before it scored)
 * @param checkpointInterval how often a node writes its detectors' state to the database (what a takeover resumes from;
 *                           points after it are re-read and re-scored, so a takeover loses no detection)
 * @param maxPointsPerRound  the most points per series one scoring round reads (a long backlog is scored over rounds)
 * @param topStatements      statements by total time whose mean latency is a series of its own
 * @param maxHints           root-cause hints kept per anomaly
 * @param bandRetention      how long expected bands are kept (anomalies themselves follow the 1-minute rollups'
 *                           retention)
 * @param backfillMax        the longest history {@code anomalies backfill} may score at once
 * @param detector           the univariate detector's knobs ({@code anomaly.detector.threshold} and so on; defaults:
 *                           {@link DetectorConfig#defaults()}, the configuration measured on nab-dev)
 */
public record AnomalyConfig(boolean enabled,
                            Duration scoreInterval,
                            Duration sweepInterval,
                            Duration checkpointInterval,
                            int maxPointsPerRound,
                            int topStatements,
                            int maxHints,
                            Duration bandRetention,
                            Duration backfillMax,
                            DetectorConfig detector) {

    public static AnomalyConfig defaults() {
        return from(Config.empty());
    }

    public static AnomalyConfig from(Config node) {
        return new AnomalyConfig(
                Settings.bool(node, "enabled", true),
                Settings.duration(node, "score-interval", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMinutes(1)),
                Settings.duration(node, "sweep-interval", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                Settings.duration(node, "checkpoint-interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(1)),
                Settings.integer(node, "max-points-per-round", 1000, 10, 100_000),
                Settings.integer(node, "top-statements", 5, 0, 50),
                Settings.integer(node, "max-hints", 10, 1, 50),
                Settings.duration(node, "band-retention", Duration.ofDays(14), Duration.ofHours(1), Duration.ofDays(400)),
                Settings.duration(node, "backfill-max", Duration.ofDays(30), Duration.ofHours(1), Duration.ofDays(400)),
                detector(node));
    }

    /** {@code anomaly.detector.*}: every key is a knob of {@link DetectorConfig}; an unknown one is an error. */
    private static DetectorConfig detector(Config node) {
        Config section = Settings.section(node, "detector");
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String knob : DetectorConfig.defaults().asMap().keySet()) {
            Config value = section.get(knob);
            if (value.exists()) {
                overrides.put(knob, value.asString().get());
            }
        }
        section.asNodeList().ifPresent(children -> children.forEach(child -> {
            if (!overrides.containsKey(child.name())) {
                throw Settings.problem(section, child.name(), "is not a detector setting; known: "
                        + DetectorConfig.defaults().asMap().keySet());
            }
        }));
        try {
            return DetectorConfig.defaults().with(overrides);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw Settings.problem(node, "detector", e.getMessage());
        }
    }
}
