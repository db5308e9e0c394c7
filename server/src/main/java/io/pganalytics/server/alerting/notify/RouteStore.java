package io.pganalytics.server.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.NotificationRoute;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;

import javax.sql.DataSource;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Routes in {@code alert_route}: the routing tree flattened in position order (Alertmanager's first match, and
 * {@code continueMatching} to go on). Checked whole before anything is written; every change audited.
 */
final class RouteStore {
    static final int MAX_ROUTES = 1000;
    static final int MAX_POSITION = 1_000_000;
    private static final Pattern NAME = Pattern.compile("\\S.{0,199}", Pattern.DOTALL);
    private static final TypeReference<List<Matcher>> MATCHERS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, position, name, matchers::text, receiver_id, escalation_policy_id, group_wait_seconds, "
            + "group_interval_seconds, repeat_interval_seconds, continue_matching, version";

    /** A route as the notifier uses it; null timings are the server's defaults. */
    record Route(long id, int position, String name, List<Matcher> matchers, Long receiverId, Long policyId, Duration groupWait,
                 Duration groupInterval, Duration repeatInterval, boolean continueMatching, long version) {

        NotificationRoute view() {
            return new NotificationRoute(id, position, name, matchers, receiverId, policyId, format(groupWait), format(groupInterval),
                    format(repeatInterval), continueMatching, version);
        }

        private static String format(Duration duration) {
            return duration == null ? null : Durations.format(duration);
        }
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Clock clock;

    RouteStore(DataSource dataSource, ObjectMapper mapper, Clock clock) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.clock = clock;
    }

    List<NotificationRoute> list() {
        try (Connection c = dataSource.getConnection()) {
            return all(c).stream().map(Route::view).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("routes: reading the list failed", e);
        }
    }

    NotificationRoute get(long id) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, id, false).orElseThrow(() -> notFound(id)).view();
        } catch (SQLException e) {
            throw new IllegalStateException("route " + id + ": reading failed", e);
        }
    }

    /** Every route in position order (at most {@link #MAX_ROUTES}). */
    List<Route> all(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM alert_route ORDER BY position, id LIMIT " + MAX_ROUTES)) {
            List<Route> routes = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    routes.add(route(r));
                }
            }
            return routes;
        }
    }

    /** The routes an incident with these labels goes to: the first that matches, and the next ones while they continue. */
    List<Route> matching(Connection c, Map<String, String> labels) throws SQLException {
        List<Route> chosen = new ArrayList<>();
        for (Route route : all(c)) {
            if (LabelMatchers.matches(route.matchers(), labels)) {
                chosen.add(route);
                if (!route.continueMatching()) {
                    break;
                }
            }
        }
        return chosen;
    }

    Optional<Route> find(Connection c, long id) throws SQLException {
        return read(c, id, false);
    }

    void check(NotificationRoute request) {
        try (Connection c = dataSource.getConnection()) {
            checked(c, request);
        } catch (SQLException e) {
            throw new IllegalStateException("routes: checking failed", e);
        }
    }

    private Route checked(Connection c, NotificationRoute request) throws SQLException {
        List<ErrorDetail> problems = new ArrayList<>();
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            problems.add(new ErrorDetail("name", "is required: 1 to 200 characters"));
        }
        if (request.position() < 0 || request.position() > MAX_POSITION) {
            problems.add(new ErrorDetail("position", "must be 0 to " + MAX_POSITION));
        }
        problems.addAll(LabelMatchers.problems("matchers", request.matchers()));
        if ((request.receiverId() == null) == (request.escalationPolicyId() == null)) {
            problems.add(new ErrorDetail("receiverId", "exactly one of receiverId and escalationPolicyId is required"));
        } else if (request.receiverId() != null && !exists(c, "alert_receiver", request.receiverId())) {
            problems.add(new ErrorDetail("receiverId", "no receiver " + request.receiverId()));
        } else if (request.escalationPolicyId() != null && !exists(c, "escalation_policy", request.escalationPolicyId())) {
            problems.add(new ErrorDetail("escalationPolicyId", "no escalation policy " + request.escalationPolicyId()));
        }
        Duration wait = duration("groupWait", request.groupWait(), Duration.ZERO, Duration.ofHours(1), problems);
        Duration interval = duration("groupInterval", request.groupInterval(), Duration.ofSeconds(1), Duration.ofDays(1), problems);
        Duration repeat = duration("repeatInterval", request.repeatInterval(), Duration.ofMinutes(1), Duration.ofDays(7), problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new Route(0, request.position(), request.name(), request.matchers(), request.receiverId(), request.escalationPolicyId(),
                wait, interval, repeat, request.continueMatching(), request.version());
    }

    private static Duration duration(String field, String text, Duration least, Duration most, List<ErrorDetail> problems) {
        if (text == null) {
            return null;
        }
        try {
            Duration duration = Durations.parse(text);
            if (duration.compareTo(least) < 0 || duration.compareTo(most) > 0 || duration.toNanos() % 1_000_000_000 != 0) {
                problems.add(new ErrorDetail(field, "must be whole seconds from " + Durations.format(least) + " to " + Durations.format(most)));
                return null;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            problems.add(new ErrorDetail(field, e.getMessage()));
            return null;
        }
    }

    NotificationRoute create(NotificationRoute request, AuditEvent.Actor actor, AuditLog audit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Route route = checked(c, request);
                try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM alert_route"); ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getLong(1) >= MAX_ROUTES) {
                        throw ApiException.conflict("there are already " + r.getLong(1) + " routes, the most this server keeps");
                    }
                }
                long id;
                try (PreparedStatement s = c.prepareStatement("INSERT INTO alert_route (position, name, matchers, receiver_id, escalation_policy_id, "
                        + "group_wait_seconds, group_interval_seconds, repeat_interval_seconds, continue_matching, created_by, created_at, updated_at) "
                        + "VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                    int i = bind(s, route);
                    s.setString(i++, actorName(actor));
                    Timestamp now = Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS));
                    s.setTimestamp(i++, now);
                    s.setTimestamp(i, now);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        id = r.getLong(1);
                    }
                }
                Route stored = read(c, id, false).orElseThrow();
                audit.append(c, AuditEvent.change("route.create", "route", Long.toString(id)).actor(actor).change(null, state(stored)));
                c.commit();
                return stored.view();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("routes: creating failed", e);
        }
    }

    NotificationRoute update(long id, NotificationRoute request, AuditEvent.Actor actor, AuditLog audit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Route before = read(c, id, true).orElseThrow(() -> notFound(id));
                if (request.version() != 0 && request.version() != before.version()) {
                    throw ApiException.conflict("route " + id + " changed meanwhile (version " + before.version() + ", not "
                            + request.version() + "): read it again");
                }
                Route route = checked(c, request);
                try (PreparedStatement s = c.prepareStatement("UPDATE alert_route SET position = ?, name = ?, matchers = ?::jsonb, receiver_id = ?, "
                        + "escalation_policy_id = ?, group_wait_seconds = ?, group_interval_seconds = ?, repeat_interval_seconds = ?, "
                        + "continue_matching = ?, updated_at = ?, version = version + 1 WHERE id = ?")) {
                    int i = bind(s, route);
                    s.setTimestamp(i++, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)));
                    s.setLong(i, id);
                    s.executeUpdate();
                }
                Route after = read(c, id, false).orElseThrow();
                audit.append(c, AuditEvent.change("route.update", "route", Long.toString(id)).actor(actor).change(state(before), state(after)));
                c.commit();
                return after.view();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("routes: replacing " + id + " failed", e);
        }
    }

    void delete(long id, AuditEvent.Actor actor, AuditLog audit) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Route before = read(c, id, true).orElseThrow(() -> notFound(id));
                try (PreparedStatement s = c.prepareStatement("DELETE FROM alert_route WHERE id = ?")) {
                    s.setLong(1, id);
                    s.executeUpdate();
                }
                audit.append(c, AuditEvent.change("route.delete", "route", Long.toString(id)).actor(actor).change(state(before), null));
                c.commit();
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("routes: deleting " + id + " failed", e);
        }
    }

    private int bind(PreparedStatement s, Route route) throws SQLException {
        int i = 1;
        s.setInt(i++, route.position());
        s.setString(i++, route.name());
        s.setString(i++, json(route.matchers()));
        setLong(s, i++, route.receiverId());
        setLong(s, i++, route.policyId());
        setSeconds(s, i++, route.groupWait());
        setSeconds(s, i++, route.groupInterval());
        setSeconds(s, i++, route.repeatInterval());
        s.setBoolean(i++, route.continueMatching());
        return i;
    }

    private static void setLong(PreparedStatement s, int i, Long value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, value);
        }
    }

    private static void setSeconds(PreparedStatement s, int i, Duration value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setInt(i, (int) value.toSeconds());
        }
    }

    private static boolean exists(Connection c, String table, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private Optional<Route> read(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM alert_route WHERE id = ?" + (lock ? " FOR UPDATE" : ""))) {
            s.setLong(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(route(r)) : Optional.empty();
            }
        }
    }

    private Route route(ResultSet r) throws SQLException {
        List<Matcher> matchers;
        try {
            matchers = mapper.readValue(r.getString(4), MATCHERS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("route " + r.getLong(1) + ": its matchers are not a JSON list of matchers");
        }
        return new Route(r.getLong(1), r.getInt(2), r.getString(3), matchers, (Long) r.getObject(5), (Long) r.getObject(6),
                seconds(r, 7), seconds(r, 8), seconds(r, 9), r.getBoolean(10), r.getLong(11));
    }

    private static Duration seconds(ResultSet r, int column) throws SQLException {
        int value = r.getInt(column);
        return r.wasNull() ? null : Duration.ofSeconds(value);
    }

    private static Map<String, Object> state(Route route) {
        Map<String, Object> state = new LinkedHashMap<>();
        NotificationRoute view = route.view();
        state.put("position", view.position());
        state.put("name", view.name());
        state.put("matchers", view.matchers().stream().map(m -> m.label() + m.op() + m.value()).toList());
        state.put("receiverId", view.receiverId());
        state.put("escalationPolicyId", view.escalationPolicyId());
        state.put("groupWait", view.groupWait());
        state.put("groupInterval", view.groupInterval());
        state.put("repeatInterval", view.repeatInterval());
        state.put("continueMatching", view.continueMatching());
        return state;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String actorName(AuditEvent.Actor actor) {
        String name = actor.name() != null ? actor.name() : actor.id() != null ? actor.id() : actor.kind();
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    static ApiException notFound(long id) {
        return ApiException.notFound("no route " + id);
    }
}
