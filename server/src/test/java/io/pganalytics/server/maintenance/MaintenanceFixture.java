package io.pganalytics.server.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.testing.SharedPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A migrated database of its own (plain dialect, a pool with auto-commit off as the server's), configs and SQL helpers. */
final class MaintenanceFixture {
    private MaintenanceFixture() {
    }

    static HikariDataSource newDatabase(String hint) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase(hint));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(4);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        return dataSource;
    }

    /** The maintenance config from {@code maintenance.*} values over the defaults, with the default ingest config. */
    static MaintenanceConfig config(Map<String, String> values) {
        Map<String, String> prefixed = new HashMap<>();
        values.forEach((k, v) -> prefixed.put("maintenance." + k, v));
        Config root = Config.just(ConfigSources.create(prefixed));
        return MaintenanceConfig.from(root.get("maintenance"), IngestConfig.from(root.get("ingest")));
    }

    static OffsetDateTime utc(String instant) {
        return OffsetDateTime.ofInstant(Instant.parse(instant), ZoneOffset.UTC);
    }

    /** Runs one statement with parameters and commits. */
    static int execute(HikariDataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            int count = ps.executeUpdate();
            c.commit();
            return count;
        }
    }

    /** The rows of a query, each as a list of its columns' values. */
    static List<List<Object>> rows(HikariDataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = rs.getObject(i);
                        row.add(value instanceof java.sql.Timestamp ts ? ts.toInstant() : value);
                    }
                    rows.add(row);
                }
            }
            c.rollback();
            return rows;
        }
    }

    static long count(HikariDataSource dataSource, String sql, Object... parameters) throws SQLException {
        return ((Number) rows(dataSource, sql, parameters).getFirst().getFirst()).longValue();
    }
}
