package io.pganalytics.server.query;

import io.pganalytics.common.catalog.Family;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema.Resolution;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts data into a test server's database with plain SQL, as the ingest and the rollup job would have left it: the
 * inventory, raw rows and rollup rows (creating the partitions they need). Public so that other features' tests
 * (live) can use it.
 */
public final class SeriesData {
    private final DataSource dataSource;
    private final Partitions partitions = new Partitions();

    public SeriesData(PgAnalyticsServer server) {
        this.dataSource = server.database().dataSource();
    }

    /** Registers an instance and returns its id. */
    public long instance(String name, Instant lastSeenAt, Instant lastCollectedAt, Boolean inRecovery) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO monitored_instance (system_identifier, host, port, name, server_version, server_version_num,
                         in_recovery, first_seen_at, last_seen_at, last_collected_at)
                     VALUES (?, ?, 5432, ?, '17.2', 170002, ?, ?, ?, ?) RETURNING id""")) {
            ps.setString(1, Long.toString(Math.abs(name.hashCode()) + 7_000_000_000_000_000_000L / 2));
            ps.setString(2, name + ".db.example");
            ps.setString(3, name);
            ps.setObject(4, inRecovery);
            ps.setTimestamp(5, Timestamp.from(lastSeenAt.minus(30, ChronoUnit.DAYS)));
            ps.setTimestamp(6, Timestamp.from(lastSeenAt));
            ps.setTimestamp(7, Timestamp.from(lastCollectedAt));
            long id;
            try (var rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            c.commit();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One row builder: {@code row("instance_id", 1, "collected_at", t, ...)}. */
    public static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            row.put((String) keyValues[i], keyValues[i + 1]);
        }
        return row;
    }

    /** Inserts rows into a family's raw or rollup table, creating the partitions their times fall in. */
    public void insert(Family family, Resolution resolution, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            String time = resolution.timeColumn();
            for (Map<String, Object> row : rows) {
                partitions.ensure(c, family, resolution, (Instant) row.get(time));
            }
            List<String> columns = new ArrayList<>(rows.getFirst().keySet());
            String sql = "INSERT INTO " + resolution.table(family) + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", columns.stream().map(x -> "?").toList()) + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Map<String, Object> row : rows) {
                    for (int i = 0; i < columns.size(); i++) {
                        Object value = row.get(columns.get(i));
                        ps.setObject(i + 1, value instanceof Instant instant ? Timestamp.from(instant) : value);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void insertText(long instanceId, long dbid, long queryid, String datname, String query) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO ts.statement_text (instance_id, dbid, queryid, datname, query, first_seen_at)"
                     + " VALUES (?, ?, ?, ?, ?, now())")) {
            ps.setLong(1, instanceId);
            ps.setLong(2, dbid);
            ps.setLong(3, queryid);
            ps.setString(4, datname);
            ps.setString(5, query);
            ps.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An activity snapshot of one database, for the key figures. */
    public void activity(long instanceId, Instant at, long total, long active) {
        insert(MetricCatalog.ACTIVITY, Resolution.RAW, List.of(row("instance_id", instanceId, "collected_at", at,
                "interval_seconds", 10.0, "datname", "app", "total", total, "active", active, "idle", total - active,
                "longest_transaction_seconds", 4.5)));
    }
}
