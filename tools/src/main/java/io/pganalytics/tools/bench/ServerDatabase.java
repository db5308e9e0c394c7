package io.pganalytics.tools.bench;

import io.pganalytics.common.catalog.Family;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The server's own database as the bench reads it: inserted rows, storage, instances, partitions. */
final class ServerDatabase {
    /** The embedded PostgreSQL's application role, owner of the server's tables (docs/SERVER.md). */
    static final String EMBEDDED_APPLICATION_ROLE = "pganalytics";
    private final String url;
    private final String applicationRole;
    private final Properties properties = new Properties();

    /**
     * @param applicationRole the role that owns the server's tables, taken with SET ROLE by {@link #connectAsServer()}
     *                        when the bench logs in as another (the embedded PostgreSQL's superuser); null for none
     */
    ServerDatabase(String url, String user, String password, String applicationRole) {
        this.url = url;
        this.applicationRole = applicationRole;
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "pganalytics-bench");
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    /** A connection that writes as the server does: what it creates (partitions) belongs to the server's role. */
    Connection connectAsServer() throws SQLException {
        Connection c = connect();
        if (applicationRole != null) {
            try (Statement st = c.createStatement()) {
                st.execute("SET ROLE " + applicationRole);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Another database of the same PostgreSQL server, as the same user. */
    Connection connectTo(String databaseName) throws SQLException {
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        String other = url.substring(0, slash + 1) + databaseName + (query < 0 ? "" : url.substring(query));
        return DriverManager.getConnection(other, properties);
    }

    /** The port in the JDBC URL (5432 when absent). */
    int port() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/").matcher(url);
        return m.find() ? Integer.parseInt(m.group(1)) : 5432;
    }

    /** pg_stat_database.tup_inserted of the server's database (statistics are flushed within a second or so). */
    long tuplesInserted() throws SQLException {
        return single("SELECT tup_inserted FROM pg_stat_database WHERE datname = current_database()");
    }

    /** Bytes of every time-series table (raw and rollups, their partitions, indexes and TOAST). */
    long timeSeriesBytes() throws SQLException {
        return single("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ts' AND c.relkind = 'r'""");
    }

    List<Long> instanceIds() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM monitored_instance ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Creates a partition of {@code parent} for [start, end) unless it exists (the server's naming scheme). */
    static void ensurePartition(Connection c, String parent, LocalDate start, LocalDate end) throws SQLException {
        String name = parent + "_p" + start.toString().replace("-", "");
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF " + parent + " FOR VALUES FROM ('"
                    + start + " 00:00:00+00') TO ('" + end + " 00:00:00+00')");
        }
    }

    static String rawTable(Family family) {
        return "ts." + family.name();
    }

    private long single(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
