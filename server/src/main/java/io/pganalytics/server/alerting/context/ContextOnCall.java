package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.OnCallNow;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.OnCallShift;
import io.pganalytics.server.alerting.OnCallDirectory;
import io.pganalytics.server.http.ApiException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link OnCallDirectory} and the answers of {@code /oncall/now}: every schedule's timeline and every person's name and
 * address, cached on this node (reloaded on a change anywhere, and every {@link #TTL}).
 */
final class ContextOnCall implements OnCallDirectory {
    static final Duration TTL = Duration.ofSeconds(60);
    static final int UPCOMING = 10;

    private record Person(String username, String email) {
    }

    private record Planned(OnCallSchedule schedule, OnCallTimeline timeline) {
    }

    private record Snapshot(Map<Long, Planned> schedules, Map<Long, Person> people) {
    }

    private final Cached<Snapshot> snapshot;
    private final Clock clock;

    ContextOnCall(ScheduleStore schedules, ContextDb db, ContextNotices notices, Clock clock) {
        this.clock = clock;
        this.snapshot = new Cached<>(() -> load(schedules, db), TTL);
        notices.listen(ContextNotices.ONCALL, snapshot::invalidate);
    }

    private static Snapshot load(ScheduleStore store, ContextDb db) {
        Map<Long, Planned> schedules = new LinkedHashMap<>();
        for (OnCallSchedule schedule : store.all()) {
            schedules.put(schedule.id(), new Planned(schedule, new OnCallTimeline(ZoneId.of(schedule.timeZone()), schedule.rotations(),
                    schedule.overrides())));
        }
        Map<Long, Person> people = db.read("reading the people on call", c -> {
            Map<Long, Person> map = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT u.id, u.username, c.email FROM auth_user u LEFT JOIN oncall_contact c ON c.user_id = u.id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    map.put(rs.getLong(1), new Person(rs.getString(2), rs.getString(3)));
                }
            }
            return map;
        });
        return new Snapshot(Map.copyOf(schedules), Map.copyOf(people));
    }

    @Override
    public Optional<OnCallShift> onCall(long scheduleId, Instant at) {
        Snapshot current = snapshot.get();
        Planned planned = current.schedules().get(scheduleId);
        if (planned == null) {
            return Optional.empty();
        }
        return planned.timeline().at(at).map(shift -> shift(current, shift));
    }

    @Override
    public Optional<OnCallShift> person(long userId) {
        Person person = snapshot.get().people().get(userId);
        if (person == null || person.email() == null) {
            return Optional.empty();
        }
        return Optional.of(new OnCallShift(userId, person.username(), person.email(), null, null, null));
    }

    /** Who is on call now in one schedule and the next hand-offs; 404 for an unknown schedule. */
    OnCallNow now(long scheduleId) {
        Snapshot current = snapshot.get();
        Planned planned = current.schedules().get(scheduleId);
        if (planned == null) {
            throw ApiException.notFound("no on-call schedule with id " + scheduleId);
        }
        return now(current, planned, clock.instant());
    }

    /** {@link #now(long)} for every schedule, by name. */
    List<OnCallNow> now() {
        Snapshot current = snapshot.get();
        Instant at = clock.instant();
        List<OnCallNow> all = new ArrayList<>();
        current.schedules().values().stream().sorted(java.util.Comparator.comparing(p -> p.schedule().name().toLowerCase(java.util.Locale.ROOT)))
                .forEach(planned -> all.add(now(current, planned, at)));
        return all;
    }

    private static OnCallNow now(Snapshot current, Planned planned, Instant at) {
        OnCallShift now = planned.timeline().at(at).map(shift -> shift(current, shift)).orElse(null);
        List<OnCallShift> upcoming = planned.timeline().upcoming(at, UPCOMING).stream().map(shift -> shift(current, shift)).toList();
        return new OnCallNow(planned.schedule().id(), planned.schedule().name(), now, upcoming);
    }

    private static OnCallShift shift(Snapshot current, OnCallTimeline.Shift shift) {
        Person person = current.people().get(shift.userId());
        return new OnCallShift(shift.userId(), person == null ? null : person.username(), person == null ? null : person.email(),
                shift.rotation(), shift.from(), shift.to());
    }
}
