package io.pganalytics.server.maintenance;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.config.Settings;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code maintenance} node.
 *
 * @param enabled              whether this node schedules the jobs at all (one node of a cluster is enough; every node may)
 * @param rollupInterval       how often the rollup job runs
 * @param retentionInterval    how often the partition and retention job runs
 * @param leaseTtl             how long a job's lease outlives a holder that died
 * @param retention            how long each resolution is kept, unless a family says otherwise
 * @param familyRetention      per-family retention, every resolution filled in (families without an override absent)
 * @param minuteRecompute      how many closed 1-minute buckets each run computes again, for late data
 * @param hourRecompute        the same for 1-hour buckets
 * @param minuteChunk          the most time one run rolls up into minutes per family (catching up after downtime)
 * @param hourChunk            the same for hours
 * @param ingestBatchRetention how long ingest_batch rows are kept: {@code ingest.idempotency-retention}
 * @param retentionFile        the keys under {@code maintenance.retention} as the configuration gave them ({@code raw},
 *                             {@code families.statements.raw}), so that values changed at runtime are read over them
 *                             by the same rules ({@link #withRetention})
 * @param ingestMaxAge         {@code ingest.max-age}: the shortest raw retention allowed
 */
public record MaintenanceConfig(boolean enabled,
                                Duration rollupInterval,
                                Duration retentionInterval,
                                Duration leaseTtl,
                                Retention retention,
                                Map<String, Retention> familyRetention,
                                Duration minuteRecompute,
                                Duration hourRecompute,
                                Duration minuteChunk,
                                Duration hourChunk,
                                Duration ingestBatchRetention,
                                Map<String, String> retentionFile,
                                Duration ingestMaxAge) {

    /** How long raw rows, 1-minute and 1-hour rollups are kept. */
    public record Retention(Duration raw, Duration minute, Duration hour) {
        public Duration of(Resolution resolution) {
            return switch (resolution) {
                case RAW -> raw;
                case MINUTE -> minute;
                case HOUR -> hour;
            };
        }
    }

    /** The prefix of every retention key, as configuration keys and runtime settings name them. */
    public static final String RETENTION_PREFIX = "maintenance.retention.";

    public MaintenanceConfig {
        familyRetention = Map.copyOf(familyRetention);
        retentionFile = Collections.unmodifiableMap(new TreeMap<>(retentionFile));
    }

    /** The default and per-family retention read from one {@code retention} node. */
    private record RetentionLevels(Retention defaults, Map<String, Retention> families) {
    }

    /** The retention of a family: its override, else the default. */
    public Retention retentionOf(Family family) {
        return familyRetention.getOrDefault(family.name(), retention);
    }

    public static MaintenanceConfig defaults(IngestConfig ingest) {
        return from(Config.empty(), ingest);
    }

    public static MaintenanceConfig from(Config node, IngestConfig ingest) {
        Config retentionNode = node.get("retention");
        RetentionLevels retention = readRetention(retentionNode, ingest.maxAge());
        Map<String, String> retentionFile = new TreeMap<>();
        String prefix = retentionNode.key().toString() + ".";
        retentionNode.asMap().orElse(Map.of()).forEach((key, value) ->
                retentionFile.put(key.startsWith(prefix) ? key.substring(prefix.length()) : key, value));
        Config rollups = node.get("rollups");
        Duration minuteRecompute = Settings.duration(rollups, "minute-recompute", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1));
        Duration hourRecompute = Settings.duration(rollups, "hour-recompute", Duration.ofHours(3), Duration.ofHours(1), Duration.ofDays(7));
        Duration minuteChunk = Settings.duration(rollups, "minute-chunk", Duration.ofHours(6), Duration.ofMinutes(1), Duration.ofDays(7));
        Duration hourChunk = Settings.duration(rollups, "hour-chunk", Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(90));
        if (minuteChunk.compareTo(minuteRecompute) < 0) {
            throw Settings.problem(rollups, "minute-chunk", minuteChunk + " is shorter than maintenance.rollups.minute-recompute ("
                    + minuteRecompute + "): one run could not recompute its window");
        }
        if (hourChunk.compareTo(hourRecompute) < 0) {
            throw Settings.problem(rollups, "hour-chunk", hourChunk + " is shorter than maintenance.rollups.hour-recompute ("
                    + hourRecompute + "): one run could not recompute its window");
        }
        Duration leaseTtl = Settings.duration(node, "lease-ttl", Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(1));
        return new MaintenanceConfig(
                Settings.bool(node, "enabled", true),
                Settings.duration(node, "rollup-interval", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1)),
                Settings.duration(node, "retention-interval", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(1)),
                leaseTtl, retention.defaults(), retention.families(), minuteRecompute, hourRecompute, minuteChunk, hourChunk,
                ingest.idempotencyRetention(), retentionFile, ingest.maxAge());
    }

    /**
     * This configuration with the retention keys of {@code overrides} ({@code raw}, {@code families.statements.hour}:
     * keys relative to {@code maintenance.retention}) read over the configuration file's, by exactly the rules and
     * bounds the file's values are read with: a family's level not set anywhere follows the level for every family.
     *
     * @throws io.pganalytics.server.config.ConfigException naming the full key ({@code maintenance.retention.raw}) and
     *                                                      what is wrong with its value
     */
    public MaintenanceConfig withRetention(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        retentionFile.forEach((key, value) -> merged.put(RETENTION_PREFIX + key, value));
        overrides.forEach((key, value) -> merged.put(RETENTION_PREFIX + key, value));
        Config retentionNode = Config.just(ConfigSources.create(merged)).get("maintenance.retention");
        RetentionLevels retention = readRetention(retentionNode, ingestMaxAge);
        return new MaintenanceConfig(enabled, rollupInterval, retentionInterval, leaseTtl, retention.defaults(), retention.families(),
                minuteRecompute, hourRecompute, minuteChunk, hourChunk, ingestBatchRetention, retentionFile, ingestMaxAge);
    }

    private static RetentionLevels readRetention(Config retentionNode, Duration ingestMaxAge) {
        Retention defaults = new Retention(
                Settings.duration(retentionNode, "raw", Duration.ofDays(14), Duration.ofDays(1), Duration.ofDays(3650)),
                Settings.duration(retentionNode, "minute", Duration.ofDays(90), Duration.ofDays(1), Duration.ofDays(3650)),
                // at least a week: TimescaleDB's hourly aggregate refreshes the last 3 days and must not cross its retention
                Settings.duration(retentionNode, "hour", Duration.ofDays(730), Duration.ofDays(7), Duration.ofDays(36500)));
        checkRaw(retentionNode, "raw", defaults.raw(), ingestMaxAge);
        Map<String, Retention> families = new TreeMap<>();
        Config familiesNode = retentionNode.get("families");
        if (familiesNode.exists()) {
            for (Config familyNode : familiesNode.asNodeList().orElseThrow()) {
                String name = familyNode.name();
                Optional<Family> family = MetricCatalog.byName(name);
                if (family.isEmpty() || family.get() == MetricCatalog.STATEMENT_TEXTS) {
                    throw Settings.problem(familiesNode, name, "'" + name + "' is not a metric family with a table of its own");
                }
                Retention override = new Retention(
                        Settings.duration(familyNode, "raw", defaults.raw(), Duration.ofDays(1), Duration.ofDays(3650)),
                        Settings.duration(familyNode, "minute", defaults.minute(), Duration.ofDays(1), Duration.ofDays(3650)),
                        Settings.duration(familyNode, "hour", defaults.hour(), Duration.ofDays(7), Duration.ofDays(36500)));
                checkRaw(familyNode, "raw", override.raw(), ingestMaxAge);
                families.put(name, override);
            }
        }
        return new RetentionLevels(defaults, families);
    }

    /**
     * Raw rows the ingest still accepts (up to {@code ingest.max-age} old) must land in a partition retention keeps:
     * otherwise a node would accept them into a partition another node just dropped.
     */
    private static void checkRaw(Config node, String key, Duration raw, Duration ingestMaxAge) {
        if (raw.compareTo(ingestMaxAge) < 0) {
            throw Settings.problem(node, key, raw + " is shorter than ingest.max-age (" + ingestMaxAge
                    + "): raw rows the ingest accepts would be dropped at once; raise this or lower ingest.max-age");
        }
    }
}
