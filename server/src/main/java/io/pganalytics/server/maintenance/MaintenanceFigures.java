package io.pganalytics.server.maintenance;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/**
 * The maintenance figures on the admin socket. Counters and durations are this node's; the last successful runs and
 * the rollup watermarks are the cluster's (kept in a Hazelcast map of Longs), so every node reports the same lag
 * whichever of them ran the job.
 */
final class MaintenanceFigures {
    static final String STATE_MAP = "pga.maintenance-state";

    private final HazelcastInstance hazelcast;
    private final IMap<String, Long> state;
    private final Clock clock;
    private final MetricsRegistry.Counter created;
    private final MetricsRegistry.Counter dropped;
    private final MetricsRegistry.Counter failures;
    private final MetricsRegistry.Histogram durations;

    MaintenanceFigures(MetricsRegistry metrics, HazelcastInstance hazelcast, Clock clock) {
        this.hazelcast = hazelcast;
        this.state = hazelcast.getMap(STATE_MAP);
        this.clock = clock;
        this.created = metrics.counter("pganalytics_maintenance_partitions_created_total",
                "time-series partitions created by this node", "resolution");
        this.dropped = metrics.counter("pganalytics_maintenance_partitions_dropped_total",
                "time-series partitions dropped by retention on this node", "resolution");
        this.failures = metrics.counter("pganalytics_maintenance_job_failures_total",
                "maintenance job runs on this node that ended in an error", "job");
        this.durations = metrics.histogram("pganalytics_maintenance_job_seconds",
                "duration of the maintenance job runs on this node", new double[]{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300}, "job");
        metrics.gauge("pganalytics_maintenance_rollup_1m_lag_seconds",
                "seconds between now and the oldest 1-minute rollup watermark of any family (cluster-wide)",
                () -> lag(Resolution.MINUTE));
        metrics.gauge("pganalytics_maintenance_rollup_1h_lag_seconds",
                "seconds between now and the oldest 1-hour rollup watermark of any family (cluster-wide)",
                () -> lag(Resolution.HOUR));
        metrics.gauge("pganalytics_maintenance_rollups_last_success_seconds",
                "Unix time of the last successful rollup run on any node", () -> seconds(lastSuccessKey(MaintenanceFeature.ROLLUPS)));
        metrics.gauge("pganalytics_maintenance_retention_last_success_seconds",
                "Unix time of the last successful partition and retention run on any node", () -> seconds(lastSuccessKey(MaintenanceFeature.RETENTION)));
    }

    void partitionCreated(Resolution resolution) {
        created.inc(label(resolution));
    }

    void partitionDropped(Resolution resolution) {
        dropped.inc(label(resolution));
    }

    void ran(String job, double seconds, boolean succeeded) {
        durations.observe(seconds, job);
        if (succeeded) {
            state.set(lastSuccessKey(job), clock.instant().getEpochSecond());
        } else {
            failures.inc(job);
        }
    }

    void watermark(Resolution resolution, Instant oldest) {
        state.set(watermarkKey(resolution), oldest.getEpochSecond());
    }

    private double lag(Resolution resolution) {
        double at = seconds(watermarkKey(resolution));
        return Double.isNaN(at) ? Double.NaN : Math.max(0, clock.instant().getEpochSecond() - at);
    }

    /** A value of the cluster's state, NaN when unknown or when the member is stopping. */
    private double seconds(String key) {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return Double.NaN;
        }
        Long value = state.get(key);
        return value == null ? Double.NaN : value;
    }

    private static String label(Resolution resolution) {
        return resolution.name().toLowerCase(Locale.ROOT);
    }

    private static String lastSuccessKey(String job) {
        return job + ".last-success";
    }

    private static String watermarkKey(Resolution resolution) {
        return "rollups.watermark." + label(resolution);
    }
}
