package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.units.Durations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an evaluation reads, planned once for many rules and instances: one {@link SignalSource#read} per signal over the
 * union of the instances of the conditions naming it (back as far as the longest lookback), and one read of the
 * anomaly table when a condition is anomaly-based.
 */
final class Readings {
    /** An anomaly as conditions test it. */
    record Anomaly(long id, String series, String severity, double score, long startedAt, Long endedAt) {
    }

    /** How far back, and how many points, one signal must be read. */
    static final class Need {
        Duration lookback = Duration.ZERO;
        int maxPoints = 1;
        final Set<Long> instances = new HashSet<>();
    }

    /** Points of rate_of_change conditions kept per instance (the newest). */
    static final int MAX_RATE_POINTS = 2_000;

    final Map<String, Map<Long, List<SignalSource.Point>>> signals = new HashMap<>();
    final Map<Long, List<Anomaly>> anomalies = new HashMap<>();

    /** Adds what {@code condition} reads for {@code instances} to the plan. */
    static void plan(Condition condition, Duration staleness, long[] instances, Map<String, Need> needs, Set<Long> anomalyInstances) {
        switch (condition.kind()) {
            case Condition.THRESHOLD -> need(needs, condition.signal(), staleness, 1, instances);
            case Condition.RATE_OF_CHANGE -> need(needs, condition.signal(), Durations.parse(condition.window()), MAX_RATE_POINTS, instances);
            case Condition.ABSENCE -> need(needs, condition.signal(), Durations.parse(condition.window()), 1, instances);
            case Condition.ANOMALY -> {
                for (long id : instances) {
                    anomalyInstances.add(id);
                }
            }
            default -> condition.conditions().forEach(part -> plan(part, staleness, instances, needs, anomalyInstances));
        }
    }

    private static void need(Map<String, Need> needs, String signal, Duration lookback, int maxPoints, long[] instances) {
        Need need = needs.computeIfAbsent(signal, s -> new Need());
        if (lookback.compareTo(need.lookback) > 0) {
            need.lookback = lookback;
        }
        need.maxPoints = Math.max(need.maxPoints, maxPoints);
        for (long id : instances) {
            need.instances.add(id);
        }
    }

    /**
     * Reads the plan: each signal over {@code (from - lookback, to]} (with {@code step}: one value per step, as a
     * preview reads), the anomalies open at {@code to} (or, over a span, those overlapping it).
     */
    static Readings read(Connection c, SignalSource source, Map<String, Need> needs, Set<Long> anomalyInstances, Instant from,
                         Instant to, Duration step) throws SQLException {
        Readings readings = new Readings();
        for (Map.Entry<String, Need> e : needs.entrySet()) {
            Need need = e.getValue();
            long[] ids = need.instances.stream().mapToLong(Long::longValue).sorted().toArray();
            int max = need.maxPoints;
            if (step != null) {
                long steps = Duration.between(from, to).plus(need.lookback).toSeconds() / Math.max(1, step.toSeconds()) + 2;
                max = (int) Math.min(Integer.MAX_VALUE, Math.max(max, steps));
            }
            readings.signals.put(e.getKey(), source.read(c, e.getKey(), ids, from.minus(need.lookback), to, step, max));
        }
        if (!anomalyInstances.isEmpty()) {
            readAnomalies(c, anomalyInstances, from, to, step != null, readings.anomalies);
        }
        return readings;
    }

    private static void readAnomalies(Connection c, Set<Long> instances, Instant from, Instant to, boolean span,
                                      Map<Long, List<Anomaly>> into) throws SQLException {
        String sql = span ? """
                SELECT id, instance_id, series, severity, score, started_at, ended_at FROM anomaly
                WHERE instance_id = ANY (?) AND started_at <= ? AND (ended_at IS NULL OR ended_at > ?)
                ORDER BY started_at LIMIT 100000"""
                : """
                SELECT id, instance_id, series, severity, score, started_at, ended_at FROM anomaly
                WHERE instance_id = ANY (?) AND state = 'open' AND started_at <= ? AND (ended_at IS NULL OR ended_at > ?)
                ORDER BY started_at LIMIT 100000""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("bigint", instances.toArray()));
            ps.setTimestamp(2, Timestamp.from(to));
            ps.setTimestamp(3, Timestamp.from(span ? from : to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp ended = rs.getTimestamp(7);
                    into.computeIfAbsent(rs.getLong(2), k -> new ArrayList<>()).add(new Anomaly(rs.getLong(1), rs.getString(3),
                            rs.getString(4), rs.getDouble(5), rs.getTimestamp(6).toInstant().getEpochSecond(),
                            ended == null ? null : ended.toInstant().getEpochSecond()));
                }
            }
        }
    }

    List<SignalSource.Point> points(String signal, long instanceId) {
        return signals.getOrDefault(signal, Map.of()).getOrDefault(instanceId, List.of());
    }

    List<Anomaly> anomalies(long instanceId) {
        return anomalies.getOrDefault(instanceId, List.of());
    }
}
