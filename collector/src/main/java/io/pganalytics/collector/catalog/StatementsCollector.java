package io.pganalytics.collector.catalog;

import io.pganalytics.collector.delta.DeltaTracker;
import io.pganalytics.collector.delta.TopN;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.probe.Probe;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.pganalytics.common.catalog.ColumnType.INT8;
import static io.pganalytics.common.catalog.ColumnType.TEXT;

/**
 * pg_stat_statements: deltas per (dbid, userid, queryid, toplevel), the top N by total execution time plus an
 * "other" row, and each query's text once per (dbid, queryid), read with {@code pg_stat_statements(true)} only for
 * ids not sent yet. The query text is built from the extension's columns, which differ between its versions
 * (1.8 renamed total_time to total_exec_time; 1.9 added toplevel and pg_stat_statements_info; 1.10 temp block
 * times; 1.11, PostgreSQL 17, renamed blk_read_time to shared_blk_read_time and added stats_since).
 */
final class StatementsCollector implements FamilyCollector {
    static final String PRELOAD_FIX = "pg_stat_statements is not in shared_preload_libraries: add it and restart";
    private static final int MAX_SENT_TEXTS = 50_000;

    private final CatalogSettings settings;
    private DeltaTracker tracker;
    private String trackerSql;
    /** (dbid, queryid) to when its text was last sent; least recently sent first. */
    private final LinkedHashMap<List<Long>, Instant> sentTexts = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, Instant> eldest) {
            return size() > MAX_SENT_TEXTS;
        }
    };

    StatementsCollector(CatalogSettings settings) {
        this.settings = settings;
    }

    @Override
    public Family family() {
        return MetricCatalog.STATEMENTS;
    }

    @Override
    public List<Family> emits() {
        return List.of(MetricCatalog.STATEMENTS, MetricCatalog.STATEMENT_TEXTS);
    }

    @Override
    public Lane lane() {
        return Lane.INSTANCE;
    }

    @Override
    public Availability availability(Capabilities caps) {
        boolean preloaded = caps.pgStatStatementsLoaded();
        if (caps.pgStatStatementsSchema() == null) {
            String fix = "CREATE EXTENSION pg_stat_statements in database " + caps.database();
            if (!preloaded) {
                fix = PRELOAD_FIX + ", then " + fix;
            }
            return Availability.no("pg_stat_statements is not installed in database " + caps.database(), fix);
        }
        if (!preloaded) {
            return Availability.no("pg_stat_statements " + caps.extensionVersion("pg_stat_statements")
                    + " is installed but its library is not loaded", PRELOAD_FIX);
        }
        String detail = "pg_stat_statements " + caps.extensionVersion("pg_stat_statements") + ": top "
                + settings.statementsTopN() + " by total time + other, texts once per queryid";
        if (!caps.privileges().seesAllStats()) {
            return Availability.partial(detail, "other roles' statements have no queryid or text: GRANT pg_read_all_stats TO "
                    + caps.user());
        }
        return Availability.yes(detail);
    }

    @Override
    public List<Snapshot> collect(CollectContext context) throws SQLException {
        Capabilities caps = context.capabilities();
        if (!availability(caps).available()) {
            throw new MissingCapabilityException("statements: " + availability(caps).detail());
        }
        String sql = statementsSql(caps);
        if (!sql.equals(trackerSql)) {
            tracker = DeltaTracker.countingNewKeysFromZero(MetricCatalog.STATEMENTS, 2);
            trackerSql = sql;
        }
        Instant at = context.clock().instant();
        List<List<Object>> rows = context.connections().onInstance(context.queryTimeout(), context.timer(),
                session -> session.query(sql, Snapshots.readTypes(MetricCatalog.STATEMENTS, 2)));
        DeltaTracker.Delta delta = tracker.next(at, rows);
        if (delta.intervalSeconds() == null) {
            return List.of();
        }
        int calls = MetricCatalog.STATEMENTS.indexOf("calls");
        int plans = MetricCatalog.STATEMENTS.indexOf("plans");
        List<List<Object>> active = delta.rows().stream()
                .filter(r -> isPositive(r.get(calls)) || isPositive(r.get(plans)))
                .toList();
        List<List<Object>> top = TopN.cut(MetricCatalog.STATEMENTS, active, "total_exec_time", settings.statementsTopN());
        List<Snapshot> out = new ArrayList<>();
        out.add(Snapshots.of(context.target(), MetricCatalog.STATEMENTS, at, delta.intervalSeconds(), top));
        List<List<Object>> texts = texts(context, caps, top, at);
        if (!texts.isEmpty()) {
            out.add(Snapshots.of(context.target(), MetricCatalog.STATEMENT_TEXTS, at, null, texts));
        }
        return out;
    }

    private List<List<Object>> texts(CollectContext context, Capabilities caps, List<List<Object>> top, Instant at)
            throws SQLException {
        Map<List<Long>, Boolean> wanted = new LinkedHashMap<>();
        for (List<Object> row : top) {
            Long dbid = (Long) row.get(0);
            Long queryid = (Long) row.get(2);
            if (dbid == null || queryid == null || (dbid == 0L && queryid == 0L)) {
                continue;
            }
            List<Long> key = List.of(dbid, queryid);
            Instant sent = sentTexts.get(key);
            if (sent == null || !at.isBefore(sent.plus(settings.textResendAfter()))) {
                wanted.put(key, Boolean.TRUE);
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        Long[] ids = wanted.keySet().stream().map(k -> k.get(1)).distinct().toArray(Long[]::new);
        String sql = "SELECT s.dbid::int8, s.queryid, d.datname::text, left(s.query, " + settings.maxQueryTextLength() + ")"
                + " FROM " + Probe.quoteIdent(caps.pgStatStatementsSchema()) + ".pg_stat_statements(true) s"
                + " LEFT JOIN pg_database d ON d.oid = s.dbid WHERE s.queryid = ANY (?)";
        List<List<Object>> rows = context.connections().onInstance(context.queryTimeout(), context.timer(),
                session -> session.query(sql, List.of(INT8, INT8, TEXT, TEXT), (Object) ids));
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Long> key = List.of((Long) row.get(0), (Long) row.get(1));
            if (wanted.remove(key) != null && row.get(3) != null) {
                out.add(row);
                sentTexts.remove(key);
                sentTexts.put(key, at);
            }
        }
        return out;
    }

    /** The statements query for the installed extension's columns, with two reset markers at the end. */
    static String statementsSql(Capabilities caps) {
        String schema = Probe.quoteIdent(caps.pgStatStatementsSchema());
        String version = caps.extensionVersion("pg_stat_statements");
        boolean hasInfo = version != null && compareVersions(version, "1.9") >= 0;
        List<String> select = List.of(
                "s.dbid::int8", "s.userid::int8", "s.queryid",
                column(caps, "toplevel", "s.toplevel", "NULL::bool"),
                "d.datname::text", "r.rolname::text",
                "s.calls", column(caps, "total_exec_time", "s.total_exec_time", "s.total_time"), "s.rows",
                "s.shared_blks_hit", "s.shared_blks_read", "s.shared_blks_dirtied", "s.shared_blks_written",
                "s.local_blks_hit", "s.local_blks_read", "s.local_blks_dirtied", "s.local_blks_written",
                "s.temp_blks_read", "s.temp_blks_written",
                column(caps, "shared_blk_read_time", "s.shared_blk_read_time", "s.blk_read_time"),
                column(caps, "shared_blk_write_time", "s.shared_blk_write_time", "s.blk_write_time"),
                column(caps, "temp_blk_read_time", "s.temp_blk_read_time", "NULL::float8"),
                column(caps, "temp_blk_write_time", "s.temp_blk_write_time", "NULL::float8"),
                column(caps, "plans", "s.plans", "NULL::int8"),
                column(caps, "total_plan_time", "s.total_plan_time", "NULL::float8"),
                column(caps, "wal_records", "s.wal_records", "NULL::int8"),
                column(caps, "wal_fpi", "s.wal_fpi", "NULL::int8"),
                column(caps, "wal_bytes", "s.wal_bytes::int8", "NULL::int8"),
                column(caps, "stats_since", "s.stats_since", "NULL::timestamptz"),
                hasInfo ? "(SELECT stats_reset FROM " + schema + ".pg_stat_statements_info)" : "NULL::timestamptz");
        return "SELECT " + String.join(", ", select)
                + " FROM " + schema + ".pg_stat_statements(false) s"
                + " LEFT JOIN pg_database d ON d.oid = s.dbid LEFT JOIN pg_roles r ON r.oid = s.userid"
                + " WHERE s.queryid IS NOT NULL";
    }

    private static String column(Capabilities caps, String name, String present, String absent) {
        return caps.hasColumn(Probe.PG_STAT_STATEMENTS, name) ? present : absent;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? parse(x[i]) : 0;
            int q = i < y.length ? parse(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int parse(String part) {
        try {
            return Integer.parseInt(part.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isPositive(Object value) {
        return value instanceof Number n && n.doubleValue() > 0;
    }
}
