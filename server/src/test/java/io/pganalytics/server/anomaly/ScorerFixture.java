package io.pganalytics.server.anomaly;

import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.cluster.JobLeases;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.db.TimeSeriesDialect;
import io.pganalytics.server.ingest.IngestConfig;
import io.pganalytics.server.maintenance.MaintenanceConfig;
import io.pganalytics.server.metrics.MetricsRegistry;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The scorer's test fixtures: a migrated database, points over lists (the {@link PointSource} seam, not a database
 * mock: H2's SqlPointSource reads the raw tables), a tuning and a hint finder of the test's own, events collected.
 */
final class ScorerFixture {
    static final Instant BASE = Instant.parse("2026-11-02T00:00:00Z");

    private ScorerFixture() {
    }

    /** Points of each instance's series held in memory; {@link #points} answers as the SQL source does. */
    static final class ListPoints implements PointSource {
        final Map<Long, Map<String, List<Point>>> byInstance = new ConcurrentHashMap<>();

        void add(long instanceId, String series, List<Point> points) {
            byInstance.computeIfAbsent(instanceId, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(series, k -> new CopyOnWriteArrayList<>()).addAll(points);
        }

        @Override
        public Map<String, List<Point>> points(Connection c, long instanceId, Instant after, Instant until, int maxPerSeries) {
            Map<String, List<Point>> out = new java.util.HashMap<>();
            byInstance.getOrDefault(instanceId, Map.of()).forEach((series, list) -> {
                List<Point> kept = list.stream().filter(p -> p.epochSecond() > after.getEpochSecond()
                        && p.epochSecond() <= until.getEpochSecond()).limit(maxPerSeries).toList();
                if (!kept.isEmpty()) {
                    out.put(series, kept);
                }
            });
            return out;
        }

        @Override
        public DetectionSeriesInfo describe(String series) {
            return new DetectionSeriesInfo(series, "label of " + series, "1/s", null);
        }

        @Override
        public List<DetectionSeriesInfo> catalogue() {
            return List.of(describe("tps"));
        }
    }

    /** Sensitivity and exclusions set by the test. */
    static final class TestTuning implements AnomalyTuning {
        final Map<Long, Double> factors = new ConcurrentHashMap<>();
        final List<Instant[]> exclusions = new CopyOnWriteArrayList<>();

        @Override
        public double thresholdFactor(long instanceId) {
            return factors.getOrDefault(instanceId, 1.0);
        }

        @Override
        public boolean excluded(long instanceId, String series, Instant at) {
            return exclusions.stream().anyMatch(w -> !at.isBefore(w[0]) && at.isBefore(w[1]));
        }
    }

    /** One hint naming how many other series it was told about. */
    static final HintFinder HINTS = (c, context, max) -> List.of(new AnomalyHint(1, AnomalyHint.METRIC, "moves",
            context.moves().size() + " other series", "series:" + context.series(), 1.0, context.startedAt()));

    static HikariDataSource database(String hint) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase(hint));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(6);
        dataSource.setAutoCommit(false);
        Migrations.apply(dataSource, TimeSeriesDialect.PLAIN);
        return dataSource;
    }

    static MaintenanceConfig maintenance() {
        Config root = Config.just(ConfigSources.create(Map.of("maintenance.enabled", "true")));
        return MaintenanceConfig.from(root.get("maintenance"), IngestConfig.from(root.get("ingest")));
    }

    /** A scorer with its parts, on the given member, events collected in {@code events}. */
    static AnomalyScorer scorer(HikariDataSource db, HazelcastInstance hz, Clock clock, PointSource points, AnomalyTuning tuning,
                                List<AnomalyView> events, AnomalyConfig config) {
        AnomalyWriter writer = new AnomalyWriter(points, HINTS, events::add, JsonMapping.newMapper(), clock, config.maxHints());
        AnomalyHousekeeping housekeeping = new AnomalyHousekeeping(db, new JobLeases(hz, Duration.ofSeconds(30)), maintenance(),
                config, clock);
        return new AnomalyScorer(config, db, hz, clock, points, tuning, writer, new AnomalyFigures(new MetricsRegistry()), housekeeping);
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

    /** {@code n} points a minute apart from {@code start} (index {@code first}..), noise around 100 (sd 2). */
    static List<PointSource.Point> steady(int first, int n, long seed) {
        Random random = new Random(seed + first);
        List<PointSource.Point> points = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            points.add(new PointSource.Point(at(i).getEpochSecond(), 100 + 2 * random.nextGaussian()));
        }
        return points;
    }

    static Instant at(int index) {
        return BASE.plusSeconds(60L * index);
    }

    static PointSource.Point point(int index, double value) {
        return new PointSource.Point(at(index).getEpochSecond(), value);
    }

    static List<List<Object>> rows(HikariDataSource db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
                        row.add(value instanceof Timestamp ts ? ts.toInstant() : value);
                    }
                    rows.add(row);
                }
            }
            c.rollback();
            return rows;
        }
    }

    static void execute(HikariDataSource db, String sql, Object... parameters) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
            c.commit();
        }
    }
}
