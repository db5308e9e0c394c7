package io.pganalytics.collector.schedule;

import io.pganalytics.collector.catalog.CatalogSettings;
import io.pganalytics.collector.host.HostSettings;
import io.pganalytics.collector.target.ConnectionSettings;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How the scheduler runs the catalogue.
 *
 * @param intervals       per-family interval overrides by family name; others use the catalogue's default
 * @param disabled        family names never collected
 * @param connections     timeouts of the collector's connections and probes
 * @param catalog         bounds of what the catalogue reads
 * @param initialBackoff  the first pause after a failure; doubles on each further failure
 * @param maxBackoff      the longest pause
 * @param reprobeEvery    capabilities are probed again this often (upgrades, failovers, new extensions)
 * @param hostMetrics     collect host families for local targets
 * @param host            where the host families read (host.proc-root)
 */
public record ScheduleSettings(Map<String, Duration> intervals,
                               Set<String> disabled,
                               ConnectionSettings connections,
                               CatalogSettings catalog,
                               Duration initialBackoff,
                               Duration maxBackoff,
                               Duration reprobeEvery,
                               boolean hostMetrics,
                               HostSettings host) {
    /** The shortest interval the scheduler accepts. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    public static final ScheduleSettings DEFAULTS = new ScheduleSettings(Map.of(), Set.of(), ConnectionSettings.DEFAULTS,
            CatalogSettings.DEFAULTS, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(10), true, HostSettings.DEFAULTS);

    /** Settings whose host families read the real /proc. */
    public ScheduleSettings(Map<String, Duration> intervals, Set<String> disabled, ConnectionSettings connections,
                            CatalogSettings catalog, Duration initialBackoff, Duration maxBackoff, Duration reprobeEvery,
                            boolean hostMetrics) {
        this(intervals, disabled, connections, catalog, initialBackoff, maxBackoff, reprobeEvery, hostMetrics, HostSettings.DEFAULTS);
    }

    public ScheduleSettings {
        host = host == null ? HostSettings.DEFAULTS : host;
        intervals = intervals == null ? Map.of() : Map.copyOf(intervals);
        disabled = disabled == null ? Set.of() : Set.copyOf(disabled);
        connections = connections == null ? ConnectionSettings.DEFAULTS : connections;
        catalog = catalog == null ? CatalogSettings.DEFAULTS : catalog;
        initialBackoff = initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()
                ? Duration.ofSeconds(1) : initialBackoff;
        maxBackoff = maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0 ? initialBackoff.multipliedBy(300) : maxBackoff;
        reprobeEvery = reprobeEvery == null || reprobeEvery.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofMinutes(10) : reprobeEvery;
    }

    public ScheduleSettings withIntervals(Map<String, Duration> newIntervals) {
        return new ScheduleSettings(newIntervals, disabled, connections, catalog, initialBackoff, maxBackoff, reprobeEvery, hostMetrics, host);
    }

    public ScheduleSettings withConnections(ConnectionSettings newConnections) {
        return new ScheduleSettings(intervals, disabled, newConnections, catalog, initialBackoff, maxBackoff, reprobeEvery, hostMetrics, host);
    }

    public ScheduleSettings withBackoff(Duration initial, Duration max) {
        return new ScheduleSettings(intervals, disabled, connections, catalog, initial, max, reprobeEvery, hostMetrics, host);
    }
}
