package io.pganalytics.server.alerting.context;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.Rotation;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * On-call schedules ({@code oncall_schedule}, rotations as a JSON array of {@link Rotation}) and their overrides
 * ({@code oncall_override}). Schedules change with the version read (409 otherwise); a schedule an escalation policy
 * names cannot be deleted (409).
 */
final class ScheduleStore {
    static final int MAX_SCHEDULES = 200;
    static final int MAX_ROTATIONS = 10;
    static final int MAX_PARTICIPANTS = 50;
    static final int MAX_OVERRIDES = 200;
    static final Duration MIN_TURN = Duration.ofHours(1);
    static final Duration MAX_TURN = Duration.ofDays(365);
    static final Duration MAX_OVERRIDE = Duration.ofDays(90);
    static final String CREATE_ACTION = "alerting.schedule.create";
    static final String UPDATE_ACTION = "alerting.schedule.update";
    static final String DELETE_ACTION = "alerting.schedule.delete";
    static final String OVERRIDE_CREATE_ACTION = "alerting.override.create";
    static final String OVERRIDE_DELETE_ACTION = "alerting.override.delete";
    private static final TypeReference<List<Rotation>> ROTATIONS = new TypeReference<>() {
    };

    private final ContextDb db;
    private final ContextNotices notices;
    private final Clock clock;

    ScheduleStore(ContextDb db, ContextNotices notices, Clock clock) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
    }

    /** Every schedule by name, with its overrides that have not ended. */
    List<OnCallSchedule> list() {
        return db.read("reading on-call schedules", c -> {
            List<OnCallSchedule> schedules = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM oncall_schedule ORDER BY lower(name) LIMIT ?")) {
                ps.setInt(1, MAX_SCHEDULES);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        schedules.add(schedule(rs, List.of()));
                    }
                }
            }
            Map<Long, List<OnCallOverride>> overrides = overrides(c, null);
            return schedules.stream().map(s -> withOverrides(s, overrides.getOrDefault(s.id(), List.of()))).toList();
        });
    }

    OnCallSchedule find(long id) {
        return db.read("reading on-call schedule " + id, c -> find(c, id)).orElseThrow(() -> notFound(id));
    }

    OnCallSchedule create(OnCallSchedule request, String createdBy, AuditEvent.Actor actor, AuditLog audit) {
        OnCallSchedule checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OnCallSchedule created = db.transaction("creating an on-call schedule", c -> {
            requireUsers(c, checked.rotations());
            if (ContextDb.count(c, "SELECT count(*) FROM oncall_schedule") >= MAX_SCHEDULES) {
                throw ApiException.conflict("there are " + MAX_SCHEDULES + " schedules, the most there may be");
            }
            requireFreeName(c, checked.name(), 0);
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO oncall_schedule (name, time_zone, rotations, created_by, created_at, updated_at)
                    VALUES (?, ?, ?::jsonb, ?, ?, ?) RETURNING id""")) {
                ps.setString(1, checked.name());
                ps.setString(2, checked.timeZone());
                ps.setString(3, db.json(checked.rotations()));
                ps.setString(4, createdBy);
                ps.setTimestamp(5, ContextDb.timestamp(now));
                ps.setTimestamp(6, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            OnCallSchedule schedule = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(CREATE_ACTION, "oncall-schedule", Long.toString(id)).actor(actor).change(null, describe(schedule)));
            return schedule;
        });
        notices.changed(ContextNotices.ONCALL);
        return created;
    }

    OnCallSchedule update(long id, OnCallSchedule request, AuditEvent.Actor actor, AuditLog audit) {
        OnCallSchedule checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OnCallSchedule updated = db.transaction("updating on-call schedule " + id, c -> {
            OnCallSchedule before = find(c, id).orElseThrow(() -> notFound(id));
            requireUsers(c, checked.rotations());
            requireFreeName(c, checked.name(), id);
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE oncall_schedule SET name = ?, time_zone = ?, rotations = ?::jsonb, updated_at = ?, version = version + 1
                    WHERE id = ? AND version = ?""")) {
                ps.setString(1, checked.name());
                ps.setString(2, checked.timeZone());
                ps.setString(3, db.json(checked.rotations()));
                ps.setTimestamp(4, ContextDb.timestamp(now));
                ps.setLong(5, id);
                ps.setLong(6, request.version());
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("on-call schedule " + id + " is at version " + before.version() + ", not " + request.version()
                            + ": someone changed it meanwhile; read it again");
                }
            }
            OnCallSchedule after = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(UPDATE_ACTION, "oncall-schedule", Long.toString(id)).actor(actor).change(describe(before), describe(after)));
            return after;
        });
        notices.changed(ContextNotices.ONCALL);
        return updated;
    }

    /** 404 for an unknown schedule (the route asks before it asks for confirmation). */
    void requireExists(long id) {
        find(id);
    }

    void delete(long id, AuditEvent.Actor actor, AuditLog audit) {
        db.transaction("deleting on-call schedule " + id, c -> {
            OnCallSchedule before = find(c, id).orElseThrow(() -> notFound(id));
            List<String> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM escalation_policy WHERE levels @> ?::jsonb ORDER BY name LIMIT 5")) {
                ps.setString(1, "[{\"targets\":[{\"schedule\":" + id + "}]}]");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(rs.getString(1));
                    }
                }
            }
            if (!users.isEmpty()) {
                throw ApiException.conflict("on-call schedule " + id + " is a target of escalation policies " + users + ": change them first");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM oncall_schedule WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.change(DELETE_ACTION, "oncall-schedule", Long.toString(id)).actor(actor).change(describe(before), null));
            return null;
        });
        notices.changed(ContextNotices.ONCALL);
    }

    OnCallOverride addOverride(long scheduleId, OnCallOverride request, String createdBy, AuditEvent.Actor actor, AuditLog audit) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"userId\":3, \"startsAt\":\"...\", \"endsAt\":\"...\", \"reason\":\"...\"}");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (request.startsAt() == null || request.endsAt() == null) {
            throw ApiException.invalid(request.startsAt() == null ? "startsAt" : "endsAt", "is required: an ISO-8601 instant");
        }
        Instant startsAt = request.startsAt().truncatedTo(ChronoUnit.MICROS);
        Instant endsAt = request.endsAt().truncatedTo(ChronoUnit.MICROS);
        if (!endsAt.isAfter(startsAt) || !endsAt.isAfter(now)) {
            throw ApiException.invalid("endsAt", "must be after startsAt (" + startsAt + ") and after now, was " + endsAt);
        }
        if (Duration.between(startsAt, endsAt).compareTo(MAX_OVERRIDE) > 0 || startsAt.isAfter(now.plus(Duration.ofDays(366)))) {
            throw ApiException.invalid("endsAt", "an override lasts at most " + MAX_OVERRIDE.toDays() + " days and begins within a year");
        }
        String reason = request.reason() == null || request.reason().isBlank() ? null : request.reason().strip();
        if (reason != null && (reason.length() > SilenceStore.MAX_REASON || RequestParameters.hasControlCharacter(reason))) {
            throw ApiException.invalid("reason", "at most " + SilenceStore.MAX_REASON + " characters without control characters");
        }
        OnCallOverride created = db.transaction("adding an override to on-call schedule " + scheduleId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM oncall_schedule WHERE id = ? FOR UPDATE")) {
                ps.setLong(1, scheduleId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw notFound(scheduleId);
                    }
                }
            }
            if (!ContextDb.exists(c, "SELECT 1 FROM auth_user WHERE id = ?", request.userId())) {
                throw ApiException.invalid("userId", "no user with id " + request.userId());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM oncall_override WHERE schedule_id = ? AND ends_at > ?")) {
                ps.setLong(1, scheduleId);
                ps.setTimestamp(2, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_OVERRIDES) {
                        throw ApiException.conflict("on-call schedule " + scheduleId + " has " + MAX_OVERRIDES + " overrides to come, the most it may have");
                    }
                }
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO oncall_override (schedule_id, user_id, starts_at, ends_at, reason, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                ps.setLong(1, scheduleId);
                ps.setLong(2, request.userId());
                ps.setTimestamp(3, ContextDb.timestamp(startsAt));
                ps.setTimestamp(4, ContextDb.timestamp(endsAt));
                ps.setString(5, reason);
                ps.setString(6, createdBy);
                ps.setTimestamp(7, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            OnCallOverride override = new OnCallOverride(id, request.userId(), startsAt, endsAt, reason);
            audit.append(c, AuditEvent.change(OVERRIDE_CREATE_ACTION, "oncall-override", Long.toString(id)).actor(actor)
                    .change(null, describe(scheduleId, override)));
            return override;
        });
        notices.changed(ContextNotices.ONCALL);
        return created;
    }

    void deleteOverride(long scheduleId, long overrideId, AuditEvent.Actor actor, AuditLog audit) {
        db.transaction("deleting override " + overrideId + " of on-call schedule " + scheduleId, c -> {
            OnCallOverride removed = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM oncall_override WHERE id = ? AND schedule_id = ? RETURNING id, user_id, starts_at, ends_at, reason")) {
                ps.setLong(1, overrideId);
                ps.setLong(2, scheduleId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        removed = override(rs);
                    }
                }
            }
            if (removed == null) {
                throw ApiException.notFound("on-call schedule " + scheduleId + " has no override " + overrideId);
            }
            audit.append(c, AuditEvent.change(OVERRIDE_DELETE_ACTION, "oncall-override", Long.toString(overrideId)).actor(actor)
                    .change(describe(scheduleId, removed), null));
            return null;
        });
        notices.changed(ContextNotices.ONCALL);
    }

    /** Every schedule with its overrides that have not ended, for the on-call cache. */
    List<OnCallSchedule> all() {
        return list();
    }

    private Optional<OnCallSchedule> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM oncall_schedule WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(schedule(rs, overrides(c, id).getOrDefault(id, List.of())));
            }
        }
    }

    private Map<Long, List<OnCallOverride>> overrides(Connection c, Long scheduleId) throws SQLException {
        Map<Long, List<OnCallOverride>> map = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schedule_id, id, user_id, starts_at, ends_at, reason FROM oncall_override"
                + " WHERE ends_at > ?" + (scheduleId == null ? "" : " AND schedule_id = ?") + " ORDER BY starts_at, id LIMIT ?")) {
            ps.setTimestamp(1, ContextDb.timestamp(clock.instant()));
            int i = 2;
            if (scheduleId != null) {
                ps.setLong(i++, scheduleId);
            }
            ps.setInt(i, MAX_OVERRIDES * MAX_SCHEDULES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    map.computeIfAbsent(rs.getLong("schedule_id"), k -> new ArrayList<>()).add(override(rs));
                }
            }
        }
        return map;
    }

    private static OnCallOverride override(ResultSet rs) throws SQLException {
        return new OnCallOverride(rs.getLong("id"), rs.getLong("user_id"), ContextDb.instant(rs, "starts_at"), ContextDb.instant(rs, "ends_at"),
                rs.getString("reason"));
    }

    private OnCallSchedule schedule(ResultSet rs, List<OnCallOverride> overrides) throws SQLException {
        return new OnCallSchedule(rs.getLong("id"), rs.getString("name"), rs.getString("time_zone"), db.parse(rs.getString("rotations"), ROTATIONS),
                overrides, rs.getLong("version"));
    }

    private static OnCallSchedule withOverrides(OnCallSchedule s, List<OnCallOverride> overrides) {
        return new OnCallSchedule(s.id(), s.name(), s.timeZone(), s.rotations(), overrides, s.version());
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("no on-call schedule with id " + id);
    }

    private static void requireFreeName(Connection c, String name, long exceptId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM oncall_schedule WHERE lower(name) = lower(?) AND id <> ?")) {
            ps.setString(1, name);
            ps.setLong(2, exceptId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw ApiException.conflict("an on-call schedule named '" + name + "' exists already (id " + rs.getLong(1) + ")");
                }
            }
        }
    }

    /** 400 naming the first participant who is no user. */
    private static void requireUsers(Connection c, List<Rotation> rotations) throws SQLException {
        Set<Long> wanted = new HashSet<>();
        rotations.forEach(r -> wanted.addAll(r.participants()));
        Set<Long> found = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM auth_user WHERE id = ANY(?)")) {
            Array array = c.createArrayOf("bigint", wanted.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
            }
        }
        for (int i = 0; i < rotations.size(); i++) {
            for (Long participant : rotations.get(i).participants()) {
                if (!found.contains(participant)) {
                    throw ApiException.invalid("rotations[" + i + "].participants", "no user with id " + participant);
                }
            }
        }
    }

    /** The request checked (400 naming the field) and normalised. */
    private static OnCallSchedule checked(OnCallSchedule request) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"name\":..., \"timeZone\":\"Europe/Paris\", \"rotations\":[{\"name\":\"primary\","
                    + " \"participants\":[3,5], \"start\":\"2026-12-07T09:00\", \"length\":\"7d\"}]}");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 200 || RequestParameters.hasControlCharacter(name)) {
            throw ApiException.invalid("name", "is required: 1 to 200 characters without control characters");
        }
        String zone = MaintenanceWindowStore.zone("timeZone", request.timeZone());
        if (request.rotations().isEmpty() || request.rotations().size() > MAX_ROTATIONS) {
            throw ApiException.invalid("rotations", "one to " + MAX_ROTATIONS + " rotations, was " + request.rotations().size());
        }
        List<Rotation> rotations = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < request.rotations().size(); i++) {
            rotations.add(rotation("rotations[" + i + "]", request.rotations().get(i), names));
        }
        return new OnCallSchedule(null, name, zone, rotations, List.of(), request.version());
    }

    private static Rotation rotation(String field, Rotation rotation, Set<String> names) {
        if (rotation == null) {
            throw ApiException.invalid(field, "is null");
        }
        String name = rotation.name() == null ? "" : rotation.name().strip();
        if (name.isEmpty() || name.length() > 100 || RequestParameters.hasControlCharacter(name) || name.equals(OnCallTimeline.OVERRIDE)) {
            throw ApiException.invalid(field + ".name", "1 to 100 characters, not 'override'");
        }
        if (!names.add(name.toLowerCase(java.util.Locale.ROOT))) {
            throw ApiException.invalid(field + ".name", "'" + name + "' names two rotations of this schedule");
        }
        if (rotation.participants().isEmpty() || rotation.participants().size() > MAX_PARTICIPANTS) {
            throw ApiException.invalid(field + ".participants", "one to " + MAX_PARTICIPANTS + " user ids in turn order, was "
                    + rotation.participants().size());
        }
        if (rotation.participants().stream().anyMatch(p -> p == null || p <= 0)
                || new LinkedHashSet<>(rotation.participants()).size() != rotation.participants().size()) {
            throw ApiException.invalid(field + ".participants", "user ids, each once");
        }
        LocalDateTime start;
        try {
            start = LocalDateTime.parse(rotation.start() == null ? "" : rotation.start().strip()).truncatedTo(ChronoUnit.MINUTES);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field + ".start", "a local date and time in the schedule's zone such as 2026-12-07T09:00, was '"
                    + RequestParameters.abbreviate(rotation.start()) + "'");
        }
        Duration length;
        try {
            length = Durations.parse(rotation.length());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field + ".length", e.getMessage());
        }
        if (length.compareTo(MIN_TURN) < 0 || length.compareTo(MAX_TURN) > 0 || length.toSeconds() % 60 != 0) {
            throw ApiException.invalid(field + ".length", "a turn lasts whole minutes from 1h to 365d, was " + rotation.length());
        }
        return new Rotation(name, rotation.participants(), start.toString(), Durations.format(length));
    }

    private Map<String, Object> describe(OnCallSchedule schedule) {
        Map<String, Object> map = new TreeMap<>();
        map.put("name", schedule.name());
        map.put("timeZone", schedule.timeZone());
        map.put("rotations", db.json(schedule.rotations()));
        return map;
    }

    private static Map<String, Object> describe(long scheduleId, OnCallOverride override) {
        Map<String, Object> map = new TreeMap<>();
        map.put("scheduleId", scheduleId);
        map.put("userId", override.userId());
        map.put("startsAt", override.startsAt().toString());
        map.put("endsAt", override.endsAt().toString());
        map.put("reason", override.reason() == null ? "" : override.reason());
        return map;
    }
}
