package io.pganalytics.collector.probe;

import io.pganalytics.collector.target.QueryTimer;
import io.pganalytics.collector.target.Session;
import io.pganalytics.collector.target.TargetConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.pganalytics.common.catalog.ColumnType.BOOL;
import static io.pganalytics.common.catalog.ColumnType.INT8;
import static io.pganalytics.common.catalog.ColumnType.TEXT;

/** Reads a target's {@link Capabilities}: a handful of catalogue queries in one read-only transaction. */
public final class Probe {
    private static final Logger LOG = LoggerFactory.getLogger(Probe.class);

    /** The pg_catalog views whose presence and columns decide which SQL a family uses. */
    static final List<String> VIEWS = List.of(
            "pg_stat_database", "pg_stat_activity", "pg_stat_bgwriter", "pg_stat_checkpointer", "pg_stat_wal",
            "pg_stat_io", "pg_stat_replication", "pg_replication_slots", "pg_stat_wal_receiver",
            "pg_stat_progress_vacuum", "pg_stat_user_tables", "pg_stat_user_indexes", "pg_locks");
    /** The key under which {@link Capabilities#columns()} holds pg_stat_statements' columns. */
    public static final String PG_STAT_STATEMENTS = "pg_stat_statements";

    private Probe() {
    }

    public static Capabilities run(TargetConnections connections, Duration timeout, Clock clock) throws SQLException {
        Capabilities caps = connections.onInstance(timeout, new QueryTimer(), session -> read(session, clock));
        if (caps.pgStatStatementsSchema() != null && caps.sharedPreloadLibraries() == null) {
            // the setting is hidden from this role: ask the extension itself whether its library is loaded
            boolean loaded;
            try {
                loaded = connections.onInstance(timeout, new QueryTimer(), session -> {
                    session.queryText("SELECT 1 FROM " + quoteIdent(caps.pgStatStatementsSchema())
                            + ".pg_stat_statements(false) LIMIT 1");
                    return true;
                });
            } catch (SQLException e) {
                LOG.debug("target {}: pg_stat_statements is not usable: {}", connections.spec().name(), e.getMessage());
                loaded = false;
            }
            return withLoaded(caps, loaded);
        }
        return caps;
    }

    private static Capabilities read(Session session, Clock clock) throws SQLException {
        List<Object> base = session.query("""
                SELECT current_setting('server_version_num')::int8, current_setting('server_version'),
                       pg_is_in_recovery(), current_database(), current_user,
                       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                       pg_has_role(current_user, 'pg_monitor', 'MEMBER'),
                       pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER'),
                       pg_has_role(current_user, 'pg_read_all_settings', 'MEMBER'),
                       CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
                            THEN (SELECT system_identifier::text FROM pg_control_system()) END,
                       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'),
                       (SELECT setting FROM pg_settings WHERE name = 'data_directory')
                """, List.of(INT8, TEXT, BOOL, TEXT, TEXT, BOOL, BOOL, BOOL, BOOL, TEXT, TEXT, TEXT)).getFirst();
        Map<String, String> extensions = new LinkedHashMap<>();
        String pgssSchema = null;
        for (List<Object> row : session.queryText(
                "SELECT e.extname, e.extversion, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1")) {
            extensions.put((String) row.get(0), (String) row.get(1));
            if (PG_STAT_STATEMENTS.equals(row.get(0))) {
                pgssSchema = (String) row.get(2);
            }
        }
        Map<String, Set<String>> columns = new HashMap<>();
        for (List<Object> row : session.queryText("""
                SELECT c.relname, a.attname FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = 'pg_catalog' AND c.relname = ANY (?)
                """, (Object) VIEWS.toArray(String[]::new))) {
            columns.computeIfAbsent((String) row.get(0), k -> new TreeSet<>()).add((String) row.get(1));
        }
        if (pgssSchema != null) {
            for (List<Object> row : session.queryText("""
                    SELECT a.attname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    WHERE n.nspname = ? AND c.relname = 'pg_stat_statements'
                    """, pgssSchema)) {
                columns.computeIfAbsent(PG_STAT_STATEMENTS, k -> new TreeSet<>()).add((String) row.get(0));
            }
        }
        String spl = (String) base.get(10);
        List<String> libraries = spl == null ? null : splitLibraries(spl);
        boolean loaded = libraries != null && libraries.contains(PG_STAT_STATEMENTS);
        Privileges privileges = new Privileges(Boolean.TRUE.equals(base.get(5)), Boolean.TRUE.equals(base.get(6)),
                Boolean.TRUE.equals(base.get(7)), Boolean.TRUE.equals(base.get(8)));
        return new Capabilities(((Long) base.get(0)).intValue(), (String) base.get(1), Boolean.TRUE.equals(base.get(2)),
                (String) base.get(9), (String) base.get(3), (String) base.get(4), extensions, libraries, loaded,
                pgssSchema, privileges, columns, (String) base.get(11), clock.instant());
    }

    static List<String> splitLibraries(String setting) {
        List<String> libraries = new ArrayList<>();
        Arrays.stream(setting.split(","))
                .map(s -> s.strip().replace("\"", ""))
                .filter(s -> !s.isEmpty())
                .forEach(libraries::add);
        return libraries;
    }

    private static Capabilities withLoaded(Capabilities c, boolean loaded) {
        return new Capabilities(c.serverVersionNum(), c.serverVersion(), c.inRecovery(), c.systemIdentifier(), c.database(),
                c.user(), c.extensions(), c.sharedPreloadLibraries(), loaded, c.pgStatStatementsSchema(), c.privileges(),
                c.columns(), c.dataDirectory(), c.probedAt());
    }

    /** Quotes an identifier for SQL. */
    public static String quoteIdent(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

}
