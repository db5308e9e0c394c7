package io.pganalytics.collector.catalog;

import io.pganalytics.collector.delta.DeltaTracker;
import io.pganalytics.collector.delta.TopN;
import io.pganalytics.collector.probe.Capabilities;
import io.pganalytics.collector.probe.Probe;
import io.pganalytics.collector.target.TargetSpec;
import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.wire.Snapshot;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.pganalytics.common.catalog.ColumnType.INT8;
import static io.pganalytics.common.catalog.ColumnType.TEXT;

/**
 * pg_stat_statements: deltas per (dbid, userid, queryid, toplevel), the top N by total execution time plus an
 * "other" row, and each query's text until the server has acknowledged it (see {@link QueryTextLedger}), read with
 * {@code pg_stat_statements(true)} only for those ids. A target that includes or excludes databases gets the
 * statements of its databases only. The query text is built from the extension's columns, which differ between its versions
 * (1.8 renamed total_time to total_exec_time; 1.9 added toplevel and pg_stat_statements_info; 1.10 temp block
 * times; 1.11, PostgreSQL 17, renamed blk_read_time to shared_blk_read_time and added stats_since).
 */
final class StatementsCollector implements FamilyCollector {
    static final String PRELOAD_FIX = "pg_stat_statements is not in shared_preload_libraries: add it and restart";

    private final CatalogSettings settings;
    private final TargetSpec spec;
    private final QueryTextLedger texts;
    /** The target's database patterns as LIKE patterns, for a target that filters its databases. */
    private final String[] includePatterns;
    private final String[] excludePatterns;
    private DeltaTracker tracker;
    private String trackerSql;

    /**
     * @param spec  whose include/exclude lists also select the statements (by their database)
     * @param texts which texts the server has: a text is sent until a batch holding it is acknowledged
     */
    StatementsCollector(CatalogSettings settings, TargetSpec spec, QueryTextLedger texts) {
        this.settings = settings;
        this.spec = spec;
        this.texts = texts;
        this.includePatterns = likePatterns(spec.includeDatabases(), "%");
        this.excludePatterns = likePatterns(spec.excludeDatabases(), null);
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
                + settings.statementsTopN() + " by total time + other, each text until acknowledged"
                + (spec.filtersDatabases() ? ", of the included databases" : "");
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
        String sql = statementsSql(caps, spec.filtersDatabases());
        if (!sql.equals(trackerSql)) {
            tracker = DeltaTracker.countingNewKeysFromZero(MetricCatalog.STATEMENTS, 2);
            trackerSql = sql;
        }
        Instant at = context.clock().instant();
        List<List<Object>> rows = context.connections().onInstance(context.queryTimeout(), context.timer(),
                session -> spec.filtersDatabases()
                        ? session.query(sql, Snapshots.readTypes(MetricCatalog.STATEMENTS, 2),
                                includePatterns, excludePatterns)
                        : session.query(sql, Snapshots.readTypes(MetricCatalog.STATEMENTS, 2)));
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
        List<List<Object>> textRows = texts(context, caps, top, at);
        if (!textRows.isEmpty()) {
            out.add(Snapshots.of(context.target(), MetricCatalog.STATEMENT_TEXTS, at, null, textRows));
        }
        return out;
    }

    /**
     * The texts of the top statements the server has not acknowledged and that are not on their way already. A
     * claimed text the view no longer has (evicted, or a role's query hidden) is released at once.
     */
    private List<List<Object>> texts(CollectContext context, Capabilities caps, List<List<Object>> top, Instant at)
            throws SQLException {
        Set<QueryTextLedger.TextKey> candidates = new LinkedHashSet<>();
        for (List<Object> row : top) {
            if (row.get(0) instanceof Long dbid && row.get(2) instanceof Long queryid && !(dbid == 0L && queryid == 0L)) {
                candidates.add(new QueryTextLedger.TextKey(dbid, queryid));
            }
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<QueryTextLedger.TextKey> claimed = texts.claim(context.target(), candidates, at);
        if (claimed.isEmpty()) {
            return List.of();
        }
        Set<QueryTextLedger.TextKey> wanted = new LinkedHashSet<>(claimed);
        Long[] ids = claimed.stream().map(QueryTextLedger.TextKey::queryid).distinct().toArray(Long[]::new);
        String sql = "SELECT s.dbid::int8, s.queryid, d.datname::text, left(s.query, " + settings.maxQueryTextLength() + ")"
                + " FROM " + Probe.quoteIdent(caps.pgStatStatementsSchema()) + ".pg_stat_statements(true) s"
                + " LEFT JOIN pg_database d ON d.oid = s.dbid WHERE s.queryid = ANY (?)";
        List<List<Object>> rows;
        try {
            rows = context.connections().onInstance(context.queryTimeout(), context.timer(),
                    session -> session.query(sql, List.of(INT8, INT8, TEXT, TEXT), (Object) ids));
        } catch (SQLException | RuntimeException e) {
            texts.lost(context.target(), claimed);
            throw e;
        }
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            QueryTextLedger.TextKey key = new QueryTextLedger.TextKey((Long) row.get(0), (Long) row.get(1));
            if (row.get(3) != null && wanted.remove(key)) {
                out.add(row);
            }
        }
        if (!wanted.isEmpty()) {
            texts.lost(context.target(), wanted);
        }
        return out;
    }

    /** The statements query for the installed extension's columns, with two reset markers at the end. */
    static String statementsSql(Capabilities caps) {
        return statementsSql(caps, false);
    }

    /**
     * @param filtered with two text[] parameters of LIKE patterns: the databases to include (any) and to exclude
     */
    static String statementsSql(Capabilities caps, boolean filtered) {
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
                + " WHERE s.queryid IS NOT NULL"
                + (filtered ? " AND d.datname LIKE ANY (?) AND NOT (d.datname LIKE ANY (?))" : "");
    }

    /** The target's {@code *} patterns as LIKE patterns ({@code %} and {@code _} escaped); {@code whenEmpty} if none. */
    static String[] likePatterns(List<String> patterns, String whenEmpty) {
        if (patterns.isEmpty()) {
            return whenEmpty == null ? new String[0] : new String[]{whenEmpty};
        }
        return patterns.stream()
                .map(p -> p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('*', '%'))
                .toArray(String[]::new);
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
