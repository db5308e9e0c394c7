package io.pganalytics.server.anomaly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.analytics.anomaly.Kind;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Episodes to {@code anomaly} rows, in the scorer's transaction: an alert opens a row (at most one open row per series,
 * by the partial unique index), later anomalous points extend it, a run of normal points closes it. Idempotent under
 * re-scoring: an alert at a time that a stored row already covers opens nothing (a closed row: its points are left
 * alone; an open row: it is extended), and the scorer checkpoints a series in the same transaction as every change
 * of its row, so a takeover never re-applies a change. Hints are computed on open, on close and at most once a minute
 * while a row grows; the changed rows are told to {@link AnomalyEvents} after the commit.
 */
final class AnomalyWriter {
    /** How far before an anomaly's start its hints look for causes that came first. */
    static final Duration HINT_LEAD = Duration.ofMinutes(30);
    private static final Duration HINT_REFRESH = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyWriter.class);
    private static final TypeReference<List<AnomalyHint>> HINTS = new TypeReference<>() {
    };
    private static final String COLUMNS = "a.id, a.instance_id, i.name, a.series, a.kind, a.severity, a.state, a.started_at, "
            + "a.ended_at, a.peak_at, a.score, a.expected, a.lower_bound, a.upper_bound, a.actual, a.points, a.hints::text, "
            + "a.feedback, a.updated_at";

    private final PointSource points;
    private final HintFinder hints;
    private final AnomalyEvents events;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int maxHints;
    private final List<Long> changed = new ArrayList<>();
    private long opened;

    AnomalyWriter(PointSource points, HintFinder hints, AnomalyEvents events, ObjectMapper mapper, Clock clock, int maxHints) {
        this.points = points;
        this.hints = hints;
        this.events = events;
        this.mapper = mapper;
        this.clock = clock;
        this.maxHints = maxHints;
    }

    static String kind(Kind kind) {
        return switch (kind) {
            case LEVEL_SHIFT -> AnomalyView.LEVEL_SHIFT;
            case TREND_CHANGE -> AnomalyView.TREND_CHANGE;
            default -> AnomalyView.SPIKE;
        };
    }

    /** Anomalies opened since the last call (for the figures). */
    long takeOpened() {
        long n = opened;
        opened = 0;
        return n;
    }

    /**
     * An alert at {@code at}: opens a row, or takes up the stored row that covers the time (an open one is extended, a
     * closed one is left alone and its points are suppressed).
     */
    Episode open(Connection c, InstanceState state, String series, Instant at, String kind, double score, Double expected,
                 Double lower, Double upper, Double actual) throws SQLException {
        Episode stored = covering(c, state, series, at);
        if (stored != null) {
            return stored;
        }
        Instant now = clock.instant();
        Long id = null;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO anomaly (instance_id, series, kind, severity, state, started_at, peak_at, score, expected,
                    lower_bound, upper_bound, actual, points, created_at, updated_at)
                VALUES (?, ?, ?, 'warning', 'open', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT (instance_id, series) WHERE state = 'open' DO NOTHING
                RETURNING id""")) {
            ps.setLong(1, state.instanceId);
            ps.setString(2, series);
            ps.setString(3, kind);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setTimestamp(5, Timestamp.from(at));
            ps.setDouble(6, score);
            setDouble(ps, 7, expected);
            setDouble(ps, 8, lower);
            setDouble(ps, 9, upper);
            setDouble(ps, 10, actual);
            ps.setTimestamp(11, Timestamp.from(now));
            ps.setTimestamp(12, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                }
            }
        }
        if (id == null) {
            // an open row that started after this point (a backfill over history): its points are not this episode's
            return Episode.suppressed(series, at);
        }
        Episode episode = new Episode(series, id, false, at);
        episode.kind = kind;
        episode.points = 1;
        episode.score = score;
        episode.expected = expected;
        episode.lower = lower;
        episode.upper = upper;
        episode.actual = actual;
        episode.judge(threshold(state, series), isVector(series));
        episode.created = true;
        opened++;
        write(c, state, episode, false, true);
        return episode;
    }

    /** The row grew: its peak, points and severity; its hints at most once a minute. */
    void grown(Connection c, InstanceState state, Episode episode) throws SQLException {
        episode.judge(threshold(state, episode.series), isVector(episode.series));
        boolean refresh = episode.hintsAt == null || !clock.instant().isBefore(episode.hintsAt.plus(HINT_REFRESH));
        write(c, state, episode, false, refresh);
    }

    /** Closes the row: it ended at its last anomalous point; its hints are computed again. */
    void close(Connection c, InstanceState state, Episode episode) throws SQLException {
        episode.judge(threshold(state, episode.series), isVector(episode.series));
        write(c, state, episode, true, true);
    }

    /** Takes up the instance's open rows (a takeover, a restart): they are extended or closed from here on. */
    void loadOpen(Connection c, InstanceState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, series, kind, severity, started_at, peak_at, score, expected, lower_bound, upper_bound, actual, points
                FROM anomaly WHERE instance_id = ? AND state = 'open'""")) {
            ps.setLong(1, state.instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Episode e = episode(rs);
                    state.episodes.putIfAbsent(e.series, e);
                }
            }
        }
    }

    /** Tells the live streams of the rows changed since the last call: after the commit. */
    void publish(Connection c) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        List<AnomalyView> views = new ArrayList<>();
        for (long id : changed) {
            AnomalyView view = view(c, id);
            if (view != null) {
                views.add(view);
            }
        }
        c.commit();
        changed.clear();
        for (AnomalyView view : views) {
            try {
                events.changed(view);
            } catch (RuntimeException e) { // a sink's failure must not stop scoring
                LOG.warn("anomaly {}: live event not sent: {}", view.id(), e.toString());
            }
        }
    }

    /** Forgets the changes of a transaction that rolled back. */
    void discard() {
        changed.clear();
    }

    /** The stored anomaly as the API shows it; null when gone. */
    AnomalyView view(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM anomaly a JOIN monitored_instance i ON i.id = a.instance_id WHERE a.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String series = rs.getString(4);
                DetectionSeriesInfo info = isVector(series) ? null : points.describe(series);
                String label = isVector(series) ? "the instance's metrics together" : info == null ? series : info.label();
                String unit = isVector(series) ? "score" : info == null ? "" : info.unit();
                List<AnomalyHint> hintList;
                try {
                    hintList = mapper.readValue(rs.getString(17), HINTS);
                } catch (JsonProcessingException e) {
                    throw new SQLException("anomaly " + id + ": stored hints are not readable: " + e.getOriginalMessage(), e);
                }
                return new AnomalyView(rs.getLong(1), rs.getLong(2), rs.getString(3), series, label, unit, rs.getString(5),
                        rs.getString(6), rs.getString(7), instant(rs, 8), instant(rs, 9), instant(rs, 10), rs.getDouble(11),
                        nullable(rs, 12), nullable(rs, 13), nullable(rs, 14), nullable(rs, 15), rs.getInt(16), hintList,
                        rs.getString(18), instant(rs, 19));
            }
        }
    }

    /** The stored row of the series that covers {@code at}, as an episode; null when none does. */
    private Episode covering(Connection c, InstanceState state, String series, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT id, series, kind, severity, started_at, peak_at, score, expected, lower_bound, upper_bound, actual,
                    points, state
                FROM anomaly WHERE instance_id = ? AND series = ? AND started_at <= ? AND (ended_at IS NULL OR ended_at >= ?)
                ORDER BY started_at DESC LIMIT 1""")) {
            ps.setLong(1, state.instanceId);
            ps.setString(2, series);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setTimestamp(4, Timestamp.from(at));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return AnomalyView.OPEN.equals(rs.getString(13)) ? episode(rs) : Episode.suppressed(series, at);
            }
        }
    }

    private static Episode episode(ResultSet rs) throws SQLException {
        Episode e = new Episode(rs.getString(2), rs.getLong(1), false, rs.getTimestamp(5).toInstant());
        e.kind = rs.getString(3);
        e.severity = rs.getString(4);
        e.peakAt = rs.getTimestamp(6).toInstant();
        e.lastAnomalousAt = e.peakAt;
        e.score = rs.getDouble(7);
        e.expected = nullable(rs, 8);
        e.lower = nullable(rs, 9);
        e.upper = nullable(rs, 10);
        e.actual = nullable(rs, 11);
        e.points = rs.getInt(12);
        return e;
    }

    private void write(Connection c, InstanceState state, Episode e, boolean close, boolean withHints) throws SQLException {
        String hintsJson = withHints ? hintsJson(c, state, e) : null;
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE anomaly SET kind = ?, severity = ?, peak_at = ?, score = ?, expected = ?, lower_bound = ?,
                    upper_bound = ?, actual = ?, points = ?, updated_at = ?, hints = COALESCE(?::jsonb, hints),
                    state = ?, ended_at = ?
                WHERE id = ?""")) {
            ps.setString(1, e.kind);
            ps.setString(2, e.severity);
            ps.setTimestamp(3, Timestamp.from(e.peakAt));
            ps.setDouble(4, e.score);
            setDouble(ps, 5, e.expected);
            setDouble(ps, 6, e.lower);
            setDouble(ps, 7, e.upper);
            setDouble(ps, 8, e.actual);
            ps.setInt(9, e.points);
            ps.setTimestamp(10, Timestamp.from(clock.instant()));
            ps.setString(11, hintsJson);
            ps.setString(12, close ? AnomalyView.CLOSED : AnomalyView.OPEN);
            ps.setTimestamp(13, close ? Timestamp.from(e.lastAnomalousAt) : null);
            ps.setLong(14, e.rowId);
            ps.executeUpdate();
        }
        changed.add(e.rowId);
    }

    /**
     * The hints as JSON, computed under a savepoint: a finder that fails leaves the row's hints as they were and the
     * scoring goes on.
     */
    private String hintsJson(Connection c, InstanceState state, Episode e) throws SQLException {
        Instant from = e.startedAt.minus(HINT_LEAD);
        Instant to = e.lastAnomalousAt;
        List<HintFinder.Move> moves = new ArrayList<>();
        for (Map.Entry<String, InstanceState.Series> s : state.series.entrySet()) {
            if (!s.getKey().equals(e.series)) {
                HintFinder.Move move = s.getValue().recent.move(s.getKey(), from, to);
                if (move != null) {
                    moves.add(move);
                }
            }
        }
        Savepoint savepoint = c.setSavepoint();
        try {
            List<AnomalyHint> found = hints.hints(c, new HintFinder.Context(state.instanceId, e.rowId, e.series, from,
                    e.startedAt, to, moves), maxHints);
            c.releaseSavepoint(savepoint);
            e.hintsAt = clock.instant();
            List<AnomalyHint> kept = found.size() > maxHints ? found.subList(0, maxHints) : found;
            return mapper.writeValueAsString(kept);
        } catch (SQLException | RuntimeException | JsonProcessingException ex) {
            c.rollback(savepoint);
            LOG.warn("anomaly {} (instance {}, series {}): hints not computed: {}", e.rowId, state.instanceId, e.series, ex.toString());
            return null;
        }
    }

    private static double threshold(InstanceState state, String series) {
        return isVector(series) ? state.vectorThreshold() : state.threshold();
    }

    static boolean isVector(String series) {
        return InstanceState.INSTANCE.equals(series);
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    private static Double nullable(ResultSet rs, int index) throws SQLException {
        double v = rs.getDouble(index);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, int index) throws SQLException {
        Timestamp t = rs.getTimestamp(index);
        return t == null ? null : t.toInstant();
    }
}
