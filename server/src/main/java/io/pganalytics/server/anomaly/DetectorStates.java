package io.pganalytics.server.anomaly;

import io.pganalytics.analytics.anomaly.InstanceDetector;
import io.pganalytics.analytics.anomaly.SeriesDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;

/**
 * The detectors' checkpoints ({@code anomaly_detector_state}): what a node that takes an instance over resumes from.
 * A snapshot per series with the time of its last point; the points after it are read and scored again.
 */
final class DetectorStates {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorStates.class);
    private static final String UPSERT = """
            INSERT INTO anomaly_detector_state (instance_id, series, snapshot, last_point_at, points, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (instance_id, series) DO UPDATE SET snapshot = excluded.snapshot,
                last_point_at = excluded.last_point_at, points = excluded.points, updated_at = excluded.updated_at""";

    private DetectorStates() {
    }

    /**
     * Restores every checkpointed detector of the instance into {@code state}. A snapshot that no longer fits the
     * configuration (its window changed) starts that series over after its last point, with a warning.
     */
    static void load(Connection c, InstanceState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT series, snapshot, last_point_at, points FROM anomaly_detector_state WHERE instance_id = ?")) {
            ps.setLong(1, state.instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String series = rs.getString(1);
                    byte[] snapshot = rs.getBytes(2);
                    long lastAt = rs.getTimestamp(3).toInstant().getEpochSecond();
                    if (InstanceState.INSTANCE.equals(series)) {
                        state.vector = restoreVector(state, snapshot);
                        state.vectorLastAt = lastAt;
                        state.vectorPoints = rs.getLong(4);
                        continue;
                    }
                    SeriesDetector detector;
                    try {
                        detector = SeriesDetector.restore(state.configFor(series), snapshot);
                    } catch (IllegalArgumentException e) {
                        LOG.warn("anomaly scoring: instance {} series {}: checkpoint not restored, the series learns again: {}",
                                state.instanceId, series, e.getMessage());
                        detector = new SeriesDetector(state.configFor(series));
                    }
                    state.series.put(series, new InstanceState.Series(detector, lastAt));
                }
            }
        }
    }

    private static InstanceDetector restoreVector(InstanceState state, byte[] snapshot) {
        try {
            return InstanceDetector.restore(InstanceState.VECTOR.size(), state.vectorSettings, snapshot);
        } catch (IllegalArgumentException e) {
            LOG.warn("anomaly scoring: instance {}: multivariate checkpoint not restored, it learns again: {}",
                    state.instanceId, e.getMessage());
            return new InstanceDetector(InstanceState.VECTOR.size(), state.vectorSettings);
        }
    }

    /** Writes the named series' state (a JDBC batch, in the caller's transaction). */
    static int save(Connection c, InstanceState state, Collection<String> names, Instant now) throws SQLException {
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            for (String name : names) {
                byte[] snapshot;
                long lastAt;
                long points;
                if (InstanceState.INSTANCE.equals(name)) {
                    if (state.vector == null || state.vectorLastAt == Long.MIN_VALUE) {
                        continue;
                    }
                    snapshot = state.vector.snapshot();
                    lastAt = state.vectorLastAt;
                    points = state.vectorPoints;
                } else {
                    InstanceState.Series s = state.series.get(name);
                    if (s == null || s.lastAt == Long.MIN_VALUE) {
                        continue;
                    }
                    snapshot = s.detector.snapshot();
                    lastAt = s.lastAt;
                    points = s.detector.points();
                }
                ps.setLong(1, state.instanceId);
                ps.setString(2, name);
                ps.setBytes(3, snapshot);
                ps.setTimestamp(4, Timestamp.from(Instant.ofEpochSecond(lastAt)));
                ps.setLong(5, points);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.addBatch();
                rows++;
            }
            if (rows > 0) {
                ps.executeBatch();
            }
        }
        return rows;
    }
}
