package io.pganalytics.server.alerting;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitored instances and their labels read from {@code monitored_instance} and {@code instance_label} at each
 * call (one statement): the directory of a node whose cached one (server.alerting.context) is not wired.
 */
final class InstanceTable implements InstanceDirectory {
    static final int MAX_INSTANCES = 100_000;
    private final DataSource dataSource;

    InstanceTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Map<Long, Instance> instances() {
        Map<Long, String> names = new LinkedHashMap<>();
        Map<Long, Map<String, String>> labels = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT i.id, i.name, l.key, l.value FROM (SELECT id, name FROM monitored_instance ORDER BY id LIMIT ?) i
                LEFT JOIN instance_label l ON l.instance_id = i.id ORDER BY i.id""")) {
            ps.setInt(1, MAX_INSTANCES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    names.put(id, rs.getString(2));
                    if (rs.getString(3) != null) {
                        labels.computeIfAbsent(id, k -> new HashMap<>()).put(rs.getString(3), rs.getString(4));
                    }
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("instances and labels could not be read: " + e.getMessage(), e);
        }
        Map<Long, Instance> out = new LinkedHashMap<>();
        names.forEach((id, name) -> out.put(id, new Instance(id, name, labels.getOrDefault(id, Map.of()))));
        return out;
    }
}
