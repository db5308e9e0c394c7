package io.pganalytics.collector.probe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a target's PostgreSQL offers the collector, as probed: the catalogue chooses each family's SQL from it.
 *
 * @param serverVersionNum       {@code server_version_num}, e.g. 170002
 * @param serverVersion          {@code server_version}, e.g. "17.2"
 * @param inRecovery             a standby
 * @param systemIdentifier       {@code pg_control_system().system_identifier}, or null when not readable
 * @param database               the database connected to
 * @param user                   the role connected as
 * @param extensions             extensions installed in that database, name to version
 * @param sharedPreloadLibraries the libraries, or null when the setting is not readable
 * @param pgStatStatementsLoaded pg_stat_statements' library is loaded (from the setting or by calling it)
 * @param pgStatStatementsSchema the schema the extension lives in, or null when not installed
 * @param privileges             what the role may see
 * @param columns                pg_catalog views (and pg_stat_statements) present, with their columns
 * @param dataDirectory          {@code data_directory}, or null when not readable
 * @param probedAt               when
 */
public record Capabilities(int serverVersionNum,
                           String serverVersion,
                           boolean inRecovery,
                           String systemIdentifier,
                           String database,
                           String user,
                           Map<String, String> extensions,
                           List<String> sharedPreloadLibraries,
                           boolean pgStatStatementsLoaded,
                           String pgStatStatementsSchema,
                           Privileges privileges,
                           Map<String, Set<String>> columns,
                           String dataDirectory,
                           Instant probedAt) {
    public Capabilities {
        extensions = Map.copyOf(extensions);
        sharedPreloadLibraries = sharedPreloadLibraries == null ? null : List.copyOf(sharedPreloadLibraries);
        columns = Map.copyOf(columns);
    }

    /** The major version: 13 .. 18. */
    public int major() {
        return serverVersionNum / 10000;
    }

    public boolean hasView(String view) {
        return columns.containsKey(view);
    }

    public boolean hasColumn(String view, String column) {
        Set<String> names = columns.get(view);
        return names != null && names.contains(column);
    }

    /** pg_stat_statements is installed in the connected database and its library loaded. */
    public boolean hasPgStatStatements() {
        return pgStatStatementsSchema != null && pgStatStatementsLoaded;
    }

    /** The installed extension's version, or null. */
    public String extensionVersion(String name) {
        return extensions.get(name);
    }
}
