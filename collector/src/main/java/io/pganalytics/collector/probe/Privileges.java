package io.pganalytics.collector.probe;

/**
 * What the collector's role may see.
 *
 * @param superuser         the role is a superuser
 * @param pgMonitor         member of pg_monitor (which includes the two below)
 * @param pgReadAllStats    member of pg_read_all_stats: other sessions' queries, pg_stat_statements of every user
 * @param pgReadAllSettings member of pg_read_all_settings: superuser-only settings (shared_preload_libraries, data_directory)
 */
public record Privileges(boolean superuser, boolean pgMonitor, boolean pgReadAllStats, boolean pgReadAllSettings) {
    /** True when every statistic is visible. */
    public boolean seesAllStats() {
        return superuser || pgMonitor || pgReadAllStats;
    }

    /** True when superuser-only settings are readable. */
    public boolean readsAllSettings() {
        return superuser || pgMonitor || pgReadAllSettings;
    }
}
