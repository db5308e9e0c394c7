package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.pganalytics.common.catalog.ColumnType.BOOL;
import static io.pganalytics.common.catalog.ColumnType.TEXT;

/**
 * The instance family every interval, and the settings family when a key setting changed (or was added or
 * removed) since it was last sent, and at least every {@link CatalogSettings#settingsResendAfter()}.
 */
final class InstanceCollector implements FamilyCollector {
    /** The settings whose changes matter to a DBA reading the dashboards. */
    static final List<String> KEY_SETTINGS = List.of(
            "archive_mode", "autovacuum", "autovacuum_max_workers", "autovacuum_naptime",
            "autovacuum_vacuum_cost_limit", "autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor",
            "checkpoint_completion_target", "checkpoint_timeout", "default_statistics_target", "effective_cache_size",
            "effective_io_concurrency", "fsync", "full_page_writes", "hot_standby", "hot_standby_feedback", "huge_pages",
            "idle_in_transaction_session_timeout", "jit", "lock_timeout", "log_min_duration_statement",
            "maintenance_work_mem", "max_connections", "max_parallel_workers", "max_parallel_workers_per_gather",
            "max_replication_slots", "max_wal_senders", "max_wal_size", "max_worker_processes", "min_wal_size",
            "pg_stat_statements.max", "pg_stat_statements.track", "random_page_cost", "shared_buffers",
            "shared_preload_libraries", "statement_timeout", "synchronous_commit", "synchronous_standby_names",
            "track_activity_query_size", "track_io_timing", "wal_buffers", "wal_compression", "wal_keep_size",
            "wal_level", "work_mem");

    private final SqlFamilyCollector instance;
    private final Duration settingsResendAfter;
    private List<List<Object>> lastSettings;
    private Instant lastSettingsSentAt;

    InstanceCollector(CatalogSettings settings) {
        this.instance = new SqlFamilyCollector(MetricCatalog.INSTANCE, Lane.INSTANCE, Queries.INSTANCE,
                caps -> Availability.yes("server version, uptime, role, connections, WAL position; key settings on change"),
                null);
        this.settingsResendAfter = settings.settingsResendAfter();
    }

    @Override
    public Family family() {
        return MetricCatalog.INSTANCE;
    }

    @Override
    public List<Family> emits() {
        return List.of(MetricCatalog.INSTANCE, MetricCatalog.SETTINGS);
    }

    @Override
    public Lane lane() {
        return Lane.INSTANCE;
    }

    @Override
    public Availability availability(Capabilities capabilities) {
        Availability base = instance.availability(capabilities);
        if (!capabilities.privileges().readsAllSettings()) {
            return Availability.partial(base.detail(), "some settings (shared_preload_libraries, data_directory) are "
                    + "hidden from " + capabilities.user() + ": GRANT pg_monitor TO " + capabilities.user());
        }
        return base;
    }

    @Override
    public List<Snapshot> collect(CollectContext context) throws SQLException {
        List<Snapshot> out = new ArrayList<>(instance.collect(context));
        Instant at = context.clock().instant();
        List<List<Object>> settings = context.connections().onInstance(context.queryTimeout(), context.timer(),
                session -> session.query(Queries.SETTINGS, List.of(TEXT, TEXT, TEXT, TEXT, BOOL),
                        (Object) KEY_SETTINGS.toArray(String[]::new)));
        boolean changed = !settings.equals(lastSettings);
        boolean due = lastSettingsSentAt == null || !at.isBefore(lastSettingsSentAt.plus(settingsResendAfter));
        if (changed || due) {
            out.add(Snapshots.of(context.target(), MetricCatalog.SETTINGS, at, null, settings));
            lastSettings = settings;
            lastSettingsSentAt = at;
        }
        return out;
    }
}
