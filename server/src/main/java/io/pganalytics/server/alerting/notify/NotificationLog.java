package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.server.metrics.MetricsRegistry;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Inserts into the notification log ({@code alert_notification}), idempotently: a row whose {@code dedup_key} exists is
 * not inserted again. The queue is bounded: past {@code alerting.max-pending-notifications} pending rows, a new row is
 * recorded as {@code dropped} (and counted) instead of being delivered.
 */
final class NotificationLog {
    static final String PENDING = "pending";
    static final String SENT = "sent";
    static final String FAILED = "failed";
    static final String DROPPED = "dropped";

    /** One notification to decide: where, when, and what the dispatcher needs besides the incident as it is then. */
    record Entry(String dedupKey, long incidentId, Long routeId, Long receiverId, String recipient, String event, Integer level,
                 Map<String, Object> payload, Instant due, String failure) {

        Entry {
            payload = Map.copyOf(payload);
        }
    }

    private final int maxPending;
    private final ObjectMapper mapper;
    private final MetricsRegistry.Counter notifications;
    private final Clock clock;

    NotificationLog(int maxPending, ObjectMapper mapper, MetricsRegistry.Counter notifications, Clock clock) {
        this.maxPending = maxPending;
        this.mapper = mapper;
        this.notifications = notifications;
        this.clock = clock;
    }

    /** Inserts the row unless its key exists; true when inserted. An entry with a failure is recorded as failed at once. */
    boolean insert(Connection c, Entry entry) throws SQLException {
        String state = entry.failure() != null ? FAILED : pending(c) >= maxPending ? DROPPED : PENDING;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO alert_notification (dedup_key, incident_id, route_id, receiver_id, recipient, "
                + "event, escalation_level, payload, state, next_attempt_at, created_at, last_error) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING")) {
            s.setString(1, entry.dedupKey());
            s.setLong(2, entry.incidentId());
            setLong(s, 3, entry.routeId());
            setLong(s, 4, entry.receiverId());
            s.setString(5, entry.recipient());
            s.setString(6, entry.event());
            if (entry.level() == null) {
                s.setNull(7, Types.INTEGER);
            } else {
                s.setInt(7, entry.level());
            }
            s.setString(8, json(entry.payload()));
            s.setString(9, state);
            s.setTimestamp(10, Timestamp.from(entry.due().isBefore(now) ? now : entry.due().truncatedTo(ChronoUnit.MICROS)));
            s.setTimestamp(11, Timestamp.from(now));
            s.setString(12, entry.failure() != null ? entry.failure()
                    : DROPPED.equals(state) ? "the notification queue was full (" + maxPending + " pending)" : null);
            boolean inserted = s.executeUpdate() == 1;
            if (inserted && !PENDING.equals(state)) {
                notifications.inc(channel(c, entry.receiverId()), state);
            }
            return inserted;
        }
    }

    private static long pending(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM alert_notification WHERE state = 'pending'");
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    static String channel(Connection c, Long receiverId) throws SQLException {
        if (receiverId == null) {
            return "none";
        }
        try (PreparedStatement s = c.prepareStatement("SELECT kind FROM alert_receiver WHERE id = ?")) {
            s.setLong(1, receiverId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "none";
            }
        }
    }

    private static void setLong(PreparedStatement s, int i, Long value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, value);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
