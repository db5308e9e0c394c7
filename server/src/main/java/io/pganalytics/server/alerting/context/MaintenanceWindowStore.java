package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.Recurrence;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maintenance windows ({@code alert_maintenance_window}): one-off or recurring ({@link WindowTimes}), over a scope of
 * instances like a rule's; changed with the version read (409 when someone changed it meanwhile). At most
 * {@link #MAX_WINDOWS} windows exist at once.
 */
final class MaintenanceWindowStore {
    static final int MAX_WINDOWS = 1000;
    static final int MAX_SCOPE_INSTANCES = 500;
    static final Duration MAX_RECURRING = Duration.ofDays(7);
    static final Duration MAX_ONE_OFF = Duration.ofDays(366);
    static final String CREATE_ACTION = "alerting.maintenance.create";
    static final String UPDATE_ACTION = "alerting.maintenance.update";
    static final String DELETE_ACTION = "alerting.maintenance.delete";

    private final ContextDb db;
    private final ContextNotices notices;
    private final Clock clock;

    MaintenanceWindowStore(ContextDb db, ContextNotices notices, Clock clock) {
        this.db = db;
        this.notices = notices;
        this.clock = clock;
    }

    /** Every window (newest first, at most {@link #MAX_WINDOWS}). */
    List<MaintenanceWindow> list() {
        return db.read("reading maintenance windows", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_maintenance_window ORDER BY starts_at DESC, id DESC LIMIT ?")) {
                ps.setInt(1, MAX_WINDOWS);
                List<MaintenanceWindow> windows = new ArrayList<>();
                Instant now = clock.instant();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        windows.add(window(rs, now));
                    }
                }
                return windows;
            }
        });
    }

    /** The windows that are open now or may open later, for the suppression cache. */
    List<MaintenanceWindow> live(Instant now) {
        return db.read("reading the maintenance windows in force", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT * FROM alert_maintenance_window WHERE ends_at IS NULL OR ends_at > ? ORDER BY id LIMIT ?")) {
                ps.setTimestamp(1, ContextDb.timestamp(now));
                ps.setInt(2, MAX_WINDOWS);
                List<MaintenanceWindow> windows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        windows.add(window(rs, now));
                    }
                }
                return windows;
            }
        });
    }

    MaintenanceWindow find(long id) {
        return db.read("reading maintenance window " + id, c -> find(c, id))
                .orElseThrow(() -> ApiException.notFound("no maintenance window with id " + id));
    }

    /** Creates a window (400 for a bad one, 409 past {@link #MAX_WINDOWS}); audited. */
    MaintenanceWindow create(MaintenanceWindow request, String createdBy, AuditEvent.Actor actor, AuditLog audit) {
        MaintenanceWindow checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        MaintenanceWindow created = db.transaction("creating a maintenance window", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(1718, 2)")) {
                ps.execute();
            }
            int count = ContextDb.count(c, "SELECT count(*) FROM alert_maintenance_window");
            if (count >= MAX_WINDOWS) {
                throw ApiException.conflict(count + " maintenance windows exist, the most there may be: delete old ones first");
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO alert_maintenance_window (name, scope, starts_at, ends_at, recurrence, reason, created_by, created_at, updated_at)
                    VALUES (?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?) RETURNING id""")) {
                bind(ps, checked);
                ps.setString(7, createdBy);
                ps.setTimestamp(8, ContextDb.timestamp(now));
                ps.setTimestamp(9, ContextDb.timestamp(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            MaintenanceWindow window = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(CREATE_ACTION, "maintenance-window", Long.toString(id)).actor(actor).change(null, describe(window)));
            return window;
        });
        notices.changed(ContextNotices.SUPPRESSIONS);
        return created;
    }

    /** Replaces a window's settings when {@code request.version()} is the stored one (409 otherwise); audited. */
    MaintenanceWindow update(long id, MaintenanceWindow request, AuditEvent.Actor actor, AuditLog audit) {
        MaintenanceWindow checked = checked(request);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        MaintenanceWindow updated = db.transaction("updating maintenance window " + id, c -> {
            MaintenanceWindow before = find(c, id).orElseThrow(() -> ApiException.notFound("no maintenance window with id " + id));
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE alert_maintenance_window SET name = ?, scope = ?::jsonb, starts_at = ?, ends_at = ?, recurrence = ?::jsonb,
                        reason = ?, updated_at = ?, version = version + 1
                    WHERE id = ? AND version = ?""")) {
                bind(ps, checked);
                ps.setTimestamp(7, ContextDb.timestamp(now));
                ps.setLong(8, id);
                ps.setLong(9, request.version());
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("maintenance window " + id + " is at version " + before.version() + ", not " + request.version()
                            + ": someone changed it meanwhile; read it again");
                }
            }
            MaintenanceWindow after = find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change(UPDATE_ACTION, "maintenance-window", Long.toString(id)).actor(actor)
                    .change(describe(before), describe(after)));
            return after;
        });
        notices.changed(ContextNotices.SUPPRESSIONS);
        return updated;
    }

    /** Deletes a window (what it suppressed stays recorded); audited. */
    void delete(long id, AuditEvent.Actor actor, AuditLog audit) {
        db.transaction("deleting maintenance window " + id, c -> {
            MaintenanceWindow before = find(c, id).orElseThrow(() -> ApiException.notFound("no maintenance window with id " + id));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_maintenance_window WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.change(DELETE_ACTION, "maintenance-window", Long.toString(id)).actor(actor).change(describe(before), null));
            return null;
        });
        notices.changed(ContextNotices.SUPPRESSIONS);
    }

    private void bind(PreparedStatement ps, MaintenanceWindow window) throws SQLException {
        ps.setString(1, window.name());
        ps.setString(2, db.json(scopeJson(window.scope())));
        ps.setTimestamp(3, ContextDb.timestamp(window.startsAt()));
        ps.setTimestamp(4, ContextDb.timestamp(window.endsAt()));
        ps.setString(5, window.recurrence() == null ? null : db.json(window.recurrence()));
        ps.setString(6, window.reason());
    }

    private Optional<MaintenanceWindow> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert_maintenance_window WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(window(rs, clock.instant())) : Optional.empty();
            }
        }
    }

    private MaintenanceWindow window(ResultSet rs, Instant now) throws SQLException {
        String recurrence = rs.getString("recurrence");
        Instant startsAt = ContextDb.instant(rs, "starts_at");
        Instant endsAt = ContextDb.instant(rs, "ends_at");
        Recurrence parsed = recurrence == null ? null : db.parse(recurrence, Recurrence.class);
        WindowTimes times = WindowTimes.of(startsAt, endsAt, parsed);
        return new MaintenanceWindow(rs.getLong("id"), rs.getString("name"), db.parse(rs.getString("scope"), RuleScope.class), startsAt,
                endsAt, parsed, rs.getString("reason"), rs.getString("created_by"), ContextDb.instant(rs, "updated_at"),
                rs.getLong("version"), times.covers(now), times.nextStart(now));
    }

    /** The request checked (400 naming the field) and normalised. */
    private MaintenanceWindow checked(MaintenanceWindow request) {
        if (request == null) {
            throw ApiException.malformed("a body is required: {\"name\":..., \"scope\":{\"instances\":[1]}, \"startsAt\":..., \"endsAt\":...}");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > 200 || RequestParameters.hasControlCharacter(name)) {
            throw ApiException.invalid("name", "is required: 1 to 200 characters without control characters");
        }
        String reason = request.reason() == null || request.reason().isBlank() ? null : request.reason().strip();
        if (reason != null && (reason.length() > SilenceStore.MAX_REASON || RequestParameters.hasControlCharacter(reason))) {
            throw ApiException.invalid("reason", "at most " + SilenceStore.MAX_REASON + " characters without control characters");
        }
        RuleScope scope = scope(request.scope());
        if (request.startsAt() == null) {
            throw ApiException.invalid("startsAt", "is required: an ISO-8601 instant (a recurring window's first possible start)");
        }
        Instant startsAt = request.startsAt().truncatedTo(ChronoUnit.MICROS);
        Instant endsAt = request.endsAt() == null ? null : request.endsAt().truncatedTo(ChronoUnit.MICROS);
        if (endsAt != null && !endsAt.isAfter(startsAt)) {
            throw ApiException.invalid("endsAt", "must be after startsAt (" + startsAt + "), was " + endsAt);
        }
        Recurrence recurrence = request.recurrence() == null ? null : recurrence(request.recurrence());
        if (recurrence == null) {
            if (endsAt == null) {
                throw ApiException.invalid("endsAt", "is required for a one-off window (or give a recurrence)");
            }
            if (Duration.between(startsAt, endsAt).compareTo(MAX_ONE_OFF) > 0) {
                throw ApiException.invalid("endsAt", "a one-off window lasts at most " + MAX_ONE_OFF.toDays() + " days");
            }
        }
        return new MaintenanceWindow(null, name, scope, startsAt, endsAt, recurrence, reason, null, null, request.version(), false, null);
    }

    /** A scope as stored: its two fields (not the derived {@code all}). */
    static Map<String, Object> scopeJson(RuleScope scope) {
        return Map.of("instances", scope.instances(), "labels", scope.labels());
    }

    static RuleScope scope(RuleScope scope) {
        if (scope == null) {
            throw ApiException.invalid("scope", "is required: {} for every instance, {\"instances\":[1,2]} or {\"labels\":{\"env\":\"prod\"}}");
        }
        if (!scope.instances().isEmpty() && !scope.labels().isEmpty()) {
            throw ApiException.invalid("scope", "give instances or labels, not both");
        }
        if (scope.instances().size() > MAX_SCOPE_INSTANCES) {
            throw ApiException.invalid("scope.instances", "at most " + MAX_SCOPE_INSTANCES + " instances, was " + scope.instances().size());
        }
        for (Long id : scope.instances()) {
            if (id == null || id <= 0) {
                throw ApiException.invalid("scope.instances", "instance ids are positive numbers, was " + id);
            }
        }
        return new RuleScope(List.copyOf(new LinkedHashSet<>(scope.instances())), Labels.checked("scope.labels", scope.labels()));
    }

    private static Recurrence recurrence(Recurrence recurrence) {
        if (recurrence.days().isEmpty() || recurrence.days().size() > 7) {
            throw ApiException.invalid("recurrence.days", "one to seven of MON, TUE, WED, THU, FRI, SAT, SUN");
        }
        LinkedHashSet<String> days = new LinkedHashSet<>();
        for (String day : recurrence.days()) {
            String d = day == null ? "" : day.strip().toUpperCase(Locale.ROOT);
            if (!WindowTimes.DAYS.contains(d)) {
                throw ApiException.invalid("recurrence.days", "'" + RequestParameters.abbreviate(day) + "' is not one of MON, TUE, WED, THU, FRI, SAT, SUN");
            }
            days.add(d);
        }
        String start;
        try {
            start = LocalTime.parse(recurrence.start() == null ? "" : recurrence.start().strip()).truncatedTo(ChronoUnit.MINUTES).toString();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("recurrence.start", "a local time HH:mm such as 02:00, was '" + RequestParameters.abbreviate(recurrence.start()) + "'");
        }
        Duration duration;
        try {
            duration = Durations.parse(recurrence.duration());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("recurrence.duration", e.getMessage());
        }
        if (duration.compareTo(Duration.ofMinutes(1)) < 0 || duration.compareTo(MAX_RECURRING) > 0) {
            throw ApiException.invalid("recurrence.duration", "from 1m to 7d, was " + recurrence.duration());
        }
        String zone = zone("recurrence.timeZone", recurrence.timeZone());
        List<String> ordered = WindowTimes.DAYS.stream().filter(days::contains).toList();
        return new Recurrence(ordered, start, Durations.format(duration), zone);
    }

    /** An IANA zone name ({@code Europe/Paris}, {@code UTC}); 400 otherwise. */
    static String zone(String field, String zone) {
        try {
            if (zone == null || zone.isBlank() || zone.startsWith("+") || zone.startsWith("-")) {
                throw new DateTimeException("not a region");
            }
            return ZoneId.of(zone.strip()).getId();
        } catch (DateTimeException e) {
            throw ApiException.invalid(field, "an IANA time zone such as Europe/Paris or UTC, was '" + RequestParameters.abbreviate(zone) + "'");
        }
    }

    private Map<String, Object> describe(MaintenanceWindow window) {
        Map<String, Object> map = new TreeMap<>();
        map.put("name", window.name());
        map.put("scope", db.json(scopeJson(window.scope())));
        map.put("startsAt", window.startsAt().toString());
        map.put("endsAt", window.endsAt() == null ? "none" : window.endsAt().toString());
        map.put("recurrence", window.recurrence() == null ? "none" : db.json(window.recurrence()));
        map.put("reason", window.reason() == null ? "" : window.reason());
        return map;
    }
}
