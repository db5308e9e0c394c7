package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.InstanceLabels;
import io.pganalytics.server.alerting.InstanceDirectory;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Instance labels ({@code instance_label}) and the {@link InstanceDirectory} built on them: every monitored instance
 * with its labels, cached on this node, reloaded when labels change on any node ({@link ContextNotices}) and at least
 * every {@link #TTL} (new instances appear through ingest, which sends no notice).
 */
final class LabelStore implements InstanceDirectory {
    static final Duration TTL = Duration.ofSeconds(10);
    static final String UPDATE_ACTION = "alerting.labels.update";

    private final ContextDb db;
    private final ContextNotices notices;
    private final Cached<Map<Long, Instance>> directory;

    LabelStore(ContextDb db, ContextNotices notices) {
        this.db = db;
        this.notices = notices;
        this.directory = new Cached<>(this::load, TTL);
        notices.listen(ContextNotices.INSTANCES, directory::invalidate);
    }

    @Override
    public Map<Long, Instance> instances() {
        return directory.get();
    }

    private Map<Long, Instance> load() {
        return db.read("alerting context: reading the instances and their labels", c -> {
            Map<Long, String> names = new LinkedHashMap<>();
            Map<Long, Map<String, String>> labels = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM monitored_instance ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getLong(1), rs.getString(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT instance_id, key, value FROM instance_label");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.computeIfAbsent(rs.getLong(1), id -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
            Map<Long, Instance> instances = new LinkedHashMap<>();
            names.forEach((id, name) -> instances.put(id, new Instance(id, name, labels.getOrDefault(id, Map.of()))));
            return Map.copyOf(instances);
        });
    }

    /** An instance's labels; 404 for an unknown instance. */
    InstanceLabels labels(long instanceId) {
        return db.read("instance " + instanceId + ": reading its labels", c -> {
            requireInstance(c, instanceId);
            return new InstanceLabels(instanceId, stored(c, instanceId));
        });
    }

    /** Replaces an instance's labels (400 for a bad label, 404 for an unknown instance); audited with before and after. */
    InstanceLabels replace(long instanceId, Map<String, String> requested, AuditEvent.Actor actor, AuditLog audit) {
        Map<String, String> labels = Labels.checked("labels", requested);
        InstanceLabels result = db.transaction("instance " + instanceId + ": replacing its labels", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM monitored_instance WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw io.pganalytics.server.http.ApiException.notFound("no monitored instance with id " + instanceId);
                    }
                }
            }
            Map<String, String> before = stored(c, instanceId);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instance_label WHERE instance_id = ?")) {
                ps.setLong(1, instanceId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instance_label (instance_id, key, value) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> label : labels.entrySet()) {
                    ps.setLong(1, instanceId);
                    ps.setString(2, label.getKey());
                    ps.setString(3, label.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (!before.equals(labels)) {
                audit.append(c, AuditEvent.change(UPDATE_ACTION, "instance-labels", Long.toString(instanceId)).actor(actor)
                        .change(Map.of("labels", db.json(before)), Map.of("labels", db.json(labels))));
            }
            return new InstanceLabels(instanceId, labels);
        });
        notices.changed(ContextNotices.INSTANCES);
        return result;
    }

    private static Map<String, String> stored(Connection c, long instanceId) throws SQLException {
        Map<String, String> labels = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key, value FROM instance_label WHERE instance_id = ?")) {
            ps.setLong(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return labels;
    }

    static void requireInstance(Connection c, long instanceId) throws SQLException {
        ContextDb.require(c, "SELECT 1 FROM monitored_instance WHERE id = ?", instanceId, "no monitored instance with id " + instanceId);
    }
}
