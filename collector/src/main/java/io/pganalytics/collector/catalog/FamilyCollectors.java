package io.pganalytics.collector.catalog;

import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.MetricCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Builds a target's database collectors: fresh instances (with their own delta state) for each target. */
public final class FamilyCollectors {
    private FamilyCollectors() {
    }

    /**
     * Every PostgreSQL family, for one target, with a ledger of its own: without delivery reports, a query text is
     * sent again once its claim lapses ({@code check}, tests).
     */
    public static List<FamilyCollector> create(TargetSpec spec, CatalogSettings settings) {
        return create(spec, settings, new QueryTextLedger(QueryTextLedger.DEFAULT_MAX_KEYS, settings.textResendAfter()));
    }

    /** Every PostgreSQL family, for one target. Host families come from {@code collector.host}. */
    public static List<FamilyCollector> create(TargetSpec spec, CatalogSettings settings, QueryTextLedger texts) {
        List<FamilyCollector> collectors = new ArrayList<>();
        collectors.add(new InstanceCollector(settings));
        collectors.add(new SqlFamilyCollector(MetricCatalog.DATABASE, Lane.INSTANCE, Queries.DATABASE,
                caps -> Availability.yes("pg_stat_database" + (caps.major() >= 14 ? " with session statistics" : "")
                        + ", sizes, frozen-XID age"),
                new DatabaseFilter(spec)));
        collectors.add(new SqlFamilyCollector(MetricCatalog.ACTIVITY, Lane.INSTANCE, Queries.ACTIVITY,
                statsVisibility("pg_stat_activity per database"), null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.WAIT_EVENTS, Lane.INSTANCE, Queries.WAIT_EVENTS,
                statsVisibility("wait events sampled from pg_stat_activity"), null));
        collectors.add(new StatementsCollector(settings, spec, texts));
        collectors.add(new SqlFamilyCollector(MetricCatalog.TABLES, Lane.DATABASES, Queries.TABLES,
                caps -> Availability.yes("pg_stat_user_tables + statio + sizes in up to " + spec.maxDatabases()
                        + " databases, " + settings.maxTablesPerDatabase() + " largest tables each"),
                null, settings.maxTablesPerDatabase()));
        collectors.add(new SqlFamilyCollector(MetricCatalog.INDEXES, Lane.DATABASES, Queries.INDEXES,
                caps -> Availability.yes("pg_stat_user_indexes + statio + size + validity, "
                        + settings.maxIndexesPerDatabase() + " largest indexes per database"),
                null, settings.maxIndexesPerDatabase()));
        collectors.add(new SqlFamilyCollector(MetricCatalog.BGWRITER, Lane.INSTANCE, Queries.BGWRITER,
                caps -> Availability.yes(caps.major() >= 17 ? "pg_stat_bgwriter + pg_stat_checkpointer" : "pg_stat_bgwriter"),
                null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.WAL, Lane.INSTANCE, Queries.WAL, FamilyCollectors::walAvailability, null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.IO, Lane.INSTANCE, Queries.IO,
                caps -> caps.major() >= 16 ? Availability.yes("pg_stat_io")
                        : Availability.no("pg_stat_io needs PostgreSQL 16 or newer (this is " + caps.major() + ")", null),
                null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.REPLICATION, Lane.INSTANCE, Queries.REPLICATION,
                statsVisibility("pg_stat_replication lag in bytes and seconds"), null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.REPLICATION_SLOTS, Lane.INSTANCE, Queries.REPLICATION_SLOTS,
                caps -> Availability.yes("pg_replication_slots with retained WAL"), null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.WAL_RECEIVER, Lane.INSTANCE, Queries.WAL_RECEIVER,
                caps -> caps.inRecovery() ? statsVisibility("pg_stat_wal_receiver").apply(caps)
                        : Availability.yes("pg_stat_wal_receiver (empty on a primary)"), null));
        collectors.add(new SqlFamilyCollector(MetricCatalog.ARCHIVER, Lane.INSTANCE, Queries.ARCHIVER,
                caps -> Availability.yes("pg_stat_archiver and archive_mode"), null));
        collectors.add(new LocksCollector());
        collectors.add(new SqlFamilyCollector(MetricCatalog.VACUUM, Lane.DATABASES, Queries.VACUUM,
                caps -> Availability.yes((caps.major() >= 17 ? "pg_stat_progress_vacuum (17+ columns)" : "pg_stat_progress_vacuum")
                        + " and XID age of the " + settings.vacuumTablesPerDatabase() + " oldest tables per database"),
                null, settings.vacuumTablesPerDatabase()));
        return List.copyOf(collectors);
    }

    private static Availability walAvailability(Capabilities caps) {
        if (caps.major() >= 14) {
            return Availability.yes("pg_stat_wal");
        }
        if (caps.inRecovery()) {
            return Availability.no("PostgreSQL 13 has no pg_stat_wal and a standby writes no WAL of its own", null);
        }
        return Availability.partial("wal_bytes from the WAL position (PostgreSQL 13 has no pg_stat_wal)",
                "upgrade to PostgreSQL 14+ for WAL records, full-page images and write/sync times");
    }

    private static Function<Capabilities, Availability> statsVisibility(String detail) {
        return caps -> caps.privileges().seesAllStats() ? Availability.yes(detail)
                : Availability.partial(detail, "other roles' sessions are hidden: GRANT pg_monitor TO " + caps.user());
    }

    /** Keeps the database rows of the databases the target includes, at most maxDatabases. */
    private static final class DatabaseFilter implements java.util.function.Predicate<List<Object>> {
        private final TargetSpec spec;

        DatabaseFilter(TargetSpec spec) {
            this.spec = spec;
        }

        @Override
        public boolean test(List<Object> row) {
            return spec.includes((String) row.getFirst());
        }
    }
}
