package io.pganalytics.server.anomaly.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.anomaly.AnomalyBand;
import io.pganalytics.common.anomaly.AnomalyHint;
import io.pganalytics.common.anomaly.AnomalyPage;
import io.pganalytics.common.anomaly.AnomalyView;
import io.pganalytics.common.anomaly.DetectionSeriesInfo;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The anomaly tables as the API reads them (and feedback, the one thing it writes to them). */
final class AnomalyRepository {
    static final int MAX_BAND_ANOMALIES = 500;
    static final String FEEDBACK_ACTION = "anomaly.feedback";
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyRepository.class);
    private static final TypeReference<List<AnomalyHint>> HINTS = new TypeReference<>() {
    };
    private static final String COLUMNS = """
            a.id, a.instance_id, m.name AS instance_name, a.series, a.kind, a.severity, a.state, a.started_at, a.ended_at,
            a.peak_at, a.score, a.expected, a.lower_bound, a.upper_bound, a.actual, a.points, a.hints::text AS hints,
            a.feedback, a.updated_at
            FROM anomaly a JOIN monitored_instance m ON m.id = a.instance_id""";

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Function<String, DetectionSeriesInfo> describe;
    private final Duration timeout;

    AnomalyRepository(DataSource dataSource, ObjectMapper mapper, Function<String, DetectionSeriesInfo> describe, Duration timeout) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.describe = describe;
        this.timeout = timeout;
    }

    AnomalyPage page(AnomalyFilter filter) {
        return read("the anomaly list", c -> {
            List<Object> values = new ArrayList<>();
            String sql = "SELECT " + COLUMNS + " WHERE " + filter.where(values) + " ORDER BY a.started_at DESC, a.id DESC LIMIT ?";
            values.add(filter.limit() + 1);
            List<AnomalyView> rows = views(c, sql, values.toArray());
            if (rows.size() <= filter.limit()) {
                return new AnomalyPage(rows, null);
            }
            List<AnomalyView> page = rows.subList(0, filter.limit());
            return new AnomalyPage(page, AnomalyFilter.Cursor.of(page.getLast()).encode());
        });
    }

    Optional<AnomalyView> find(long id) {
        return read("anomaly " + id, c -> find(c, id));
    }

    Optional<AnomalyView> find(Connection c, long id) throws SQLException {
        return views(c, "SELECT " + COLUMNS + " WHERE a.id = ?", id).stream().findFirst();
    }

    /** The instance's name, or empty when no such instance is monitored. */
    Optional<String> instanceName(long instanceId) {
        return read("instance " + instanceId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM monitored_instance WHERE id = ?")) {
                ps.setLong(1, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The band of a series in {@code [from, to)}: one point per minute with all three values (element {@code k} of an
     * hour's arrays is the minute {@code k - 1} of that hour), and the series' anomalies overlapping the range.
     */
    AnomalyBand band(long instanceId, String series, Instant from, Instant to) {
        return read("the band of " + series + " of instance " + instanceId, c -> {
            List<AnomalyBand.Point> points = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT hour, expected, lower_bound, upper_bound FROM anomaly_band
                    WHERE instance_id = ? AND series = ? AND hour > ? AND hour < ? ORDER BY hour""")) {
                ps.setLong(1, instanceId);
                ps.setString(2, series);
                ps.setTimestamp(3, Timestamp.from(from.minus(Duration.ofHours(1))));
                ps.setTimestamp(4, Timestamp.from(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant hour = rs.getTimestamp(1).toInstant();
                        Object[] expected = array(rs.getArray(2));
                        Object[] lower = array(rs.getArray(3));
                        Object[] upper = array(rs.getArray(4));
                        int minutes = Math.min(60, Math.min(expected.length, Math.min(lower.length, upper.length)));
                        for (int minute = 0; minute < minutes; minute++) {
                            Instant at = hour.plus(Duration.ofMinutes(minute));
                            if (!at.isBefore(from) && at.isBefore(to) && finite(expected[minute]) && finite(lower[minute])
                                    && finite(upper[minute])) {
                                points.add(new AnomalyBand.Point(at, number(expected[minute]), number(lower[minute]), number(upper[minute])));
                            }
                        }
                    }
                }
            }
            List<AnomalyView> anomalies = views(c, "SELECT " + COLUMNS + " " + """
                    WHERE a.instance_id = ? AND a.series = ? AND a.started_at < ? AND (a.ended_at IS NULL OR a.ended_at >= ?)
                    ORDER BY a.started_at, a.id LIMIT ?""", instanceId, series, to, from, MAX_BAND_ANOMALIES);
            DetectionSeriesInfo info = describe.apply(series);
            return new AnomalyBand(instanceId, series, info.label(), info.unit(), points, anomalies);
        });
    }

    /** Runs a unit of reading in a transaction of its own, bounded in time; a timeout or a lost database is a 503. */
    <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                }
                return work.run(c);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** A database failure as the API answers it: a 503 when the database is slow or gone, else an internal error. */
    RuntimeException failure(String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            return ApiException.unavailable(what + " took longer than " + timeout.toMillis() + " ms: ask for a shorter range",
                    Duration.ofSeconds(5));
        }
        if (state.startsWith("08") || e instanceof java.sql.SQLTransientConnectionException) {
            LOG.warn("anomalies: {}: the database is unavailable: {}", what, e.getMessage());
            return ApiException.unavailable("the database is unavailable: retry later", Duration.ofSeconds(5));
        }
        return new IllegalStateException("anomalies: " + what + ": " + e.getMessage(), e);
    }

    /**
     * Records an operator's verdict (the history row and the anomaly's last verdict) and its audit record in one
     * transaction; empty when there is no such anomaly.
     */
    Optional<AnomalyView> feedback(long id, String verdict, String comment, String userId, Instant now, AuditLog audit,
                                   AuditEvent.Actor actor) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                String before;
                try (PreparedStatement ps = c.prepareStatement("SELECT feedback FROM anomaly WHERE id = ? FOR UPDATE")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return Optional.empty();
                        }
                        before = rs.getString(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO anomaly_feedback (anomaly_id, verdict, comment, user_id, created_at) VALUES (?, ?, ?, ?, ?)""")) {
                    bind(c, ps, id, verdict, comment, userId, now);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE anomaly SET feedback = ?, updated_at = ? WHERE id = ?")) {
                    bind(c, ps, verdict, now, id);
                    ps.executeUpdate();
                }
                java.util.Map<String, Object> after = new java.util.TreeMap<>();
                after.put("feedback", verdict);
                java.util.Map<String, Object> previous = new java.util.TreeMap<>();
                previous.put("feedback", before);
                AuditEvent event = AuditEvent.change(FEEDBACK_ACTION, "anomaly", Long.toString(id)).actor(actor)
                        .change(previous, after);
                // the comment is free text a person wrote: its length is recorded, not its words
                event.detail("commentLength", comment == null ? 0 : comment.length());
                audit.append(c, event);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("feedback on anomaly " + id, e);
        }
        return find(id);
    }

    private List<AnomalyView> views(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, values);
            List<AnomalyView> views = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    views.add(view(rs));
                }
            }
            return views;
        }
    }

    static void bind(Connection c, PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (value instanceof String[] texts) {
                ps.setArray(i + 1, c.createArrayOf("varchar", texts));
            } else if (value == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                ps.setObject(i + 1, value);
            }
        }
    }

    private AnomalyView view(ResultSet rs) throws SQLException {
        String series = rs.getString("series");
        DetectionSeriesInfo info = describe.apply(series);
        return new AnomalyView(rs.getLong("id"), rs.getLong("instance_id"), rs.getString("instance_name"), series,
                info.label(), info.unit(), rs.getString("kind"), rs.getString("severity"), rs.getString("state"),
                instant(rs, "started_at"), instant(rs, "ended_at"), instant(rs, "peak_at"), rs.getDouble("score"),
                doubleOrNull(rs, "expected"), doubleOrNull(rs, "lower_bound"), doubleOrNull(rs, "upper_bound"),
                doubleOrNull(rs, "actual"), rs.getInt("points"), hints(rs.getLong("id"), rs.getString("hints")),
                rs.getString("feedback"), instant(rs, "updated_at"));
    }

    private List<AnomalyHint> hints(long id, String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return mapper.readValue(json, HINTS);
        } catch (JsonProcessingException e) {
            LOG.warn("anomalies: anomaly {}: its hints are not readable, shown without them: {}", id, e.getOriginalMessage());
            return List.of();
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Object[] array(Array array) throws SQLException {
        return array == null ? new Object[0] : (Object[]) array.getArray();
    }

    private static boolean finite(Object value) {
        return value instanceof Number number && Double.isFinite(number.doubleValue());
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
