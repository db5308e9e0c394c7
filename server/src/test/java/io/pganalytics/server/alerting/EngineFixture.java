package io.pganalytics.server.alerting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.alerting.AlertEvent;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.AlertView;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.catalog.MetricCatalog;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;
import io.pganalytics.server.series.Partitions;
import io.pganalytics.server.series.SeriesSchema;
import io.pganalytics.server.testing.SharedPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The engine's test fixtures: a migrated database and small real implementations of the seams over it (H2's, H3's and
 * H4's replace them in the product): signals read from {@code ts.host_load}, silences and one-off maintenance windows
 * read from their tables, and a notifier that writes the idempotent notification log as H4's does (one row per
 * incident, event and sequence; none while every firing alert is suppressed).
 */
final class EngineFixture {
    static final Instant BASE = Instant.parse("2026-11-02T10:00:00Z");

    private EngineFixture() {
    }

    static HikariDataSource database(String hint) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase(hint));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(8);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        return dataSource;
    }

    static MaintenanceConfig maintenance() {
        Config root = Config.just(ConfigSources.create(Map.of("maintenance.enabled", "true")));
        return MaintenanceConfig.from(root.get("maintenance"), IngestConfig.from(root.get("ingest")));
    }

    /** {@code host_load1} (load average) and {@code collected} (1 per collection) from ts.host_load. */
    static final class HostLoadSignals implements SignalSource {
        @Override
        public List<SignalInfo> catalogue() {
            return List.of(new SignalInfo("host_load1", "Load 1m", "", "load average"),
                    new SignalInfo("collected", "Collected", "", "1 per collection"));
        }

        @Override
        public boolean knows(String signal) {
            return "host_load1".equals(signal) || "collected".equals(signal);
        }

        @Override
        public Map<Long, List<Point>> read(Connection c, String signal, long[] instanceIds, Instant from, Instant to, Duration step,
                                           int maxPerInstance) throws SQLException {
            String value = "collected".equals(signal) ? "1.0" : "load1";
            Map<Long, List<Point>> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT instance_id, extract(epoch FROM collected_at)::bigint, %s FROM (
                        SELECT instance_id, collected_at, load1, row_number() OVER (PARTITION BY instance_id ORDER BY collected_at DESC) n
                        FROM ts.host_load WHERE instance_id = ANY (?) AND collected_at > ? AND collected_at <= ?) t
                    WHERE n <= ? ORDER BY instance_id, collected_at""".formatted(value))) {
                ps.setArray(1, c.createArrayOf("bigint", java.util.Arrays.stream(instanceIds).boxed().toArray()));
                ps.setTimestamp(2, Timestamp.from(from));
                ps.setTimestamp(3, Timestamp.from(to));
                ps.setInt(4, maxPerInstance);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Point(rs.getLong(2), rs.getDouble(3)));
                    }
                }
            }
            return out;
        }
    }

    /** Silences (= and != matchers) and one-off maintenance windows scoped to instances, read from their tables. */
    static final class TableSuppressions implements Suppressions {
        private final HikariDataSource db;
        private final ObjectMapper json = JsonMapping.newMapper();

        TableSuppressions(HikariDataSource db) {
            this.db = db;
        }

        @Override
        public List<Suppression> at(Instant at, Long instanceId, Map<String, String> labels) {
            List<Suppression> out = new ArrayList<>();
            try (Connection c = db.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, matchers::text FROM alert_silence WHERE starts_at <= ? AND ends_at > ?")) {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setTimestamp(2, Timestamp.from(at));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Matcher[] matchers = json.readValue(rs.getString(2), Matcher[].class);
                            boolean all = java.util.Arrays.stream(matchers).allMatch(m -> "=".equals(m.op())
                                    ? m.value().equals(labels.get(m.label())) : !m.value().equals(labels.get(m.label())));
                            if (all) {
                                out.add(new Suppression(Suppression.SILENCE, rs.getLong(1)));
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT id FROM alert_maintenance_window WHERE starts_at <= ? AND ends_at > ?
                        AND (scope->'instances') @> to_jsonb(?::bigint)""")) {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setTimestamp(2, Timestamp.from(at));
                    ps.setLong(3, instanceId == null ? -1 : instanceId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(new Suppression(Suppression.MAINTENANCE, rs.getLong(1)));
                        }
                    }
                }
                c.rollback();
            } catch (SQLException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
    }

    /** Writes {@code incident:<id>:<event>:<seq>:test} rows as H4's notifier does; remembers every change it was told. */
    static final class RecordingNotifier implements IncidentNotifier {
        final List<Change> changes = new CopyOnWriteArrayList<>();

        @Override
        public void changed(Connection c, Change change) throws SQLException {
            changes.add(change);
            boolean anyLoud = change.alerts().stream().anyMatch(a -> AlertView.FIRING.equals(a.state()) && !a.suppressed());
            if (!anyLoud && change.event() != Event.RESOLVED) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_notification (dedup_key, incident_id, event, payload, state, next_attempt_at, created_at)
                    VALUES (?, ?, ?, '{}', 'pending', now(), now()) ON CONFLICT (dedup_key) DO NOTHING""")) {
                ps.setString(1, "incident:" + change.incident().id() + ":" + change.event().name().toLowerCase() + ":" + change.sequence() + ":test");
                ps.setLong(2, change.incident().id());
                ps.setString(3, change.event().name().toLowerCase());
                ps.executeUpdate();
            }
        }
    }

    static AlertingFeature feature(HikariDataSource db, HazelcastInstance hz, Clock clock, SignalSource signals,
                                   Suppressions suppressions, IncidentNotifier notifier, List<AlertEvent> events, MetricsRegistry metrics) {
        return feature(db, hz, clock, signals, suppressions, notifier, events, metrics, AlertingConfig.defaults());
    }

    static AlertingFeature feature(HikariDataSource db, HazelcastInstance hz, Clock clock, SignalSource signals,
                                   Suppressions suppressions, IncidentNotifier notifier, List<AlertEvent> events, MetricsRegistry metrics,
                                   AlertingConfig config) {
        return new AlertingFeature(config, db, hz, hz.getName(), clock, metrics, maintenance(), null, null,
                new AlertingFeature.Seams(signals, new InstanceTable(db), suppressions, notifier, events::add), 4.0);
    }

    static long instance(HikariDataSource db, String name) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO monitored_instance (system_identifier, host, port, name, first_seen_at, last_seen_at)
                VALUES ('1', ?, 5432, ?, now(), now()) RETURNING id""")) {
            ps.setString(1, name);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                c.commit();
                return id;
            }
        }
    }

    /** One collection of host_load of the instance at {@code at} with load1 {@code value}. */
    static void load(HikariDataSource db, long instanceId, Instant at, double value) throws SQLException {
        try (Connection c = db.getConnection()) {
            new Partitions().ensure(c, MetricCatalog.HOST_LOAD, SeriesSchema.Resolution.RAW, at);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO ts.host_load (instance_id, collected_at, interval_seconds, load1) VALUES (?, ?, 60, ?)")) {
                ps.setLong(1, instanceId);
                ps.setTimestamp(2, Timestamp.from(at));
                ps.setDouble(3, value);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static AlertRule rule(String name, Condition condition, String forDuration, RuleScope scope, Escalation escalation) {
        return new AlertRule(null, name, "why " + name, null, true, AlertRule.WARNING, condition, forDuration, scope,
                Map.of("team", "dba"), "{{instance}}: load {{value}}", escalation, 1.0, "test", BASE, 1);
    }

    static long insertRule(HikariDataSource db, AlertRule rule) throws Exception {
        ObjectMapper json = JsonMapping.newMapper();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO alert_rule (name, description, enabled, severity, condition, for_seconds, scope, labels, summary, escalation,
                                        created_by, created_at, updated_by, updated_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, 'test', now(), 'test', now()) RETURNING id""")) {
            ps.setString(1, rule.name());
            ps.setString(2, rule.description());
            ps.setBoolean(3, rule.enabled());
            ps.setString(4, rule.severity());
            ps.setString(5, json.writeValueAsString(rule.condition()));
            ps.setInt(6, (int) RuleChecks.forDuration(rule).toSeconds());
            ps.setString(7, json.writeValueAsString(rule.scope()));
            ps.setString(8, json.writeValueAsString(rule.labels()));
            ps.setString(9, rule.summary());
            ps.setString(10, rule.escalation() == null ? null : json.writeValueAsString(rule.escalation()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                c.commit();
                return id;
            }
        }
    }

    static List<Map<String, Object>> rows(HikariDataSource db, String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            c.rollback();
            return out;
        }
    }

    static void execute(HikariDataSource db, String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
            c.commit();
        }
    }
}
