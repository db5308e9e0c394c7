package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.alerting.OnCallDirectory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * A small real on-call directory over the on-call tables (the context's own one is server.alerting.context): an
 * override in force first, else the first rotation's participant whose turn it is, with their contact address.
 */
final class TableOnCall implements OnCallDirectory {
    private final DataSource dataSource;

    TableOnCall(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<OnCallShift> onCall(long scheduleId, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT user_id, starts_at, ends_at FROM oncall_override WHERE schedule_id = ? "
                    + "AND starts_at <= ? AND ends_at > ? ORDER BY created_at DESC LIMIT 1")) {
                s.setLong(1, scheduleId);
                s.setTimestamp(2, Timestamp.from(at));
                s.setTimestamp(3, Timestamp.from(at));
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return shift(c, r.getLong(1), "override", r.getTimestamp(2).toInstant(), r.getTimestamp(3).toInstant());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT time_zone, rotations::text FROM oncall_schedule WHERE id = ?")) {
                s.setLong(1, scheduleId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    JsonNode rotation = JsonMapping.newMapper().readTree(r.getString(2)).get(0);
                    Instant start = LocalDateTime.parse(rotation.get("start").asText()).atZone(ZoneId.of(r.getString(1))).toInstant();
                    Duration length = Durations.parse(rotation.get("length").asText());
                    if (at.isBefore(start)) {
                        return Optional.empty();
                    }
                    long turn = Duration.between(start, at).toMillis() / length.toMillis();
                    JsonNode participants = rotation.get("participants");
                    long user = participants.get((int) (turn % participants.size())).asLong();
                    Instant from = start.plus(length.multipliedBy(turn));
                    return shift(c, user, rotation.get("name").asText(), from, from.plus(length));
                }
            }
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<OnCallShift> person(long userId) {
        try (Connection c = dataSource.getConnection()) {
            return shift(c, userId, null, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<OnCallShift> shift(Connection c, long user, String rotation, Instant from, Instant to) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT u.username, k.email FROM auth_user u LEFT JOIN oncall_contact k ON k.user_id = u.id "
                + "WHERE u.id = ?")) {
            s.setLong(1, user);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new OnCallShift(user, r.getString(1), r.getString(2), rotation, from, to)) : Optional.empty();
            }
        }
    }
}
