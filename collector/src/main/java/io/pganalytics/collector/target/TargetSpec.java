package io.pganalytics.collector.target;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One monitored PostgreSQL instance, as configured.
 *
 * @param name                 the operator's name for it (shown in the console, part of the wire's TargetRef)
 * @param host                 host name or address to connect to
 * @param port                 TCP port
 * @param database             the database the collector connects to for instance-wide views
 * @param user                 the role it connects as (ideally a member of pg_monitor)
 * @param password             the password, or null (trust, peer, .pgpass-less setups); never logged
 * @param includeDatabases     databases whose per-database views are read; empty means all; '*' wildcards allowed
 * @param excludeDatabases     databases never read; '*' wildcards allowed; applied after include
 * @param maxDatabases         at most this many databases are read per cycle (the largest first)
 * @param connectionProperties extra pgjdbc properties (sslmode, sslrootcert...)
 */
public record TargetSpec(String name,
                         String host,
                         int port,
                         String database,
                         String user,
                         String password,
                         List<String> includeDatabases,
                         List<String> excludeDatabases,
                         int maxDatabases,
                         Map<String, String> connectionProperties) {
    /** Used when a configuration does not say. */
    public static final int DEFAULT_MAX_DATABASES = 50;

    public TargetSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target " + name + ": port out of range: " + port);
        }
        database = database == null || database.isBlank() ? "postgres" : database;
        name = name == null || name.isBlank() ? host + ":" + port : name;
        includeDatabases = includeDatabases == null ? List.of() : List.copyOf(includeDatabases);
        excludeDatabases = excludeDatabases == null ? List.of() : List.copyOf(excludeDatabases);
        maxDatabases = maxDatabases <= 0 ? DEFAULT_MAX_DATABASES : maxDatabases;
        connectionProperties = connectionProperties == null ? Map.of() : Map.copyOf(connectionProperties);
    }

    /** The same target with another password (read from a file or the environment after parsing). */
    public TargetSpec withPassword(String newPassword) {
        return new TargetSpec(name, host, port, database, user, newPassword, includeDatabases, excludeDatabases,
                maxDatabases, connectionProperties);
    }

    /** The same target with another name. */
    public TargetSpec withName(String newName) {
        return new TargetSpec(newName, host, port, database, user, password, includeDatabases, excludeDatabases,
                maxDatabases, connectionProperties);
    }

    /** The same target reading only these databases (include/exclude patterns) and at most max of them. */
    public TargetSpec withDatabases(List<String> include, List<String> exclude, int max) {
        return new TargetSpec(name, host, port, database, user, password, include, exclude, max, connectionProperties);
    }

    /** True when the instance runs on this host, so that /proc describes its machine. */
    public boolean isLocal() {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]") || h.startsWith("/");
    }

    /** True when include or exclude patterns are set: not every database of the instance is read. */
    public boolean filtersDatabases() {
        return !includeDatabases.isEmpty() || !excludeDatabases.isEmpty();
    }

    /** True when the database passes include/exclude. */
    public boolean includes(String datname) {
        boolean included = includeDatabases.isEmpty() || includeDatabases.stream().anyMatch(p -> matches(p, datname));
        return included && excludeDatabases.stream().noneMatch(p -> matches(p, datname));
    }

    private static boolean matches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(part));
        }
        return value.matches(regex.toString());
    }

    @Override
    public String toString() {
        return "TargetSpec[name=" + name + ", host=" + host + ", port=" + port + ", database=" + database
                + ", user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", include=" + includeDatabases + ", exclude=" + excludeDatabases + ", maxDatabases=" + maxDatabases + "]";
    }
}
