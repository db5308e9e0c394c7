package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.Recurrence;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * When a maintenance window is open. A one-off window is open in {@code [startsAt, endsAt)}. A recurring one opens on
 * each of its days at its local start time in its zone and stays open for its duration (elapsed time), within
 * {@code [startsAt, endsAt)}: the local time is kept across daylight-saving changes (09:00 in Paris is 08:00 UTC in
 * winter, 07:00 UTC in summer); a start that falls in the hour skipped in spring opens when the clocks have moved on
 * (02:30 becomes 03:30), and one that falls twice in autumn opens the first time.
 */
final class WindowTimes {
    /** Recurrence days as written: MON .. SUN. */
    static final java.util.List<String> DAYS = java.util.List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    private final Instant startsAt;
    private final Instant endsAt;
    private final Set<DayOfWeek> days;
    private final LocalTime start;
    private final Duration duration;
    private final ZoneId zone;

    private WindowTimes(Instant startsAt, Instant endsAt, Set<DayOfWeek> days, LocalTime start, Duration duration, ZoneId zone) {
        this.startsAt = startsAt;
        this.endsAt = endsAt;
        this.days = days;
        this.start = start;
        this.duration = duration;
        this.zone = zone;
    }

    /** The times of a window already checked ({@link MaintenanceWindowStore} checks them). */
    static WindowTimes of(MaintenanceWindow window) {
        return of(window.startsAt(), window.endsAt(), window.recurrence());
    }

    static WindowTimes of(Instant startsAt, Instant endsAt, Recurrence recurrence) {
        if (recurrence == null) {
            return new WindowTimes(startsAt, endsAt, null, null, null, null);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String day : recurrence.days()) {
            days.add(DayOfWeek.of(DAYS.indexOf(day.toUpperCase(Locale.ROOT)) + 1));
        }
        return new WindowTimes(startsAt, endsAt, days, LocalTime.parse(recurrence.start()),
                io.pganalytics.common.units.Durations.parse(recurrence.duration()), ZoneId.of(recurrence.timeZone()));
    }

    /** Whether the window is open at {@code at}. */
    boolean covers(Instant at) {
        if (at.isBefore(startsAt) || (endsAt != null && !at.isBefore(endsAt))) {
            return false;
        }
        if (days == null) {
            return true;
        }
        LocalDate today = at.atZone(zone).toLocalDate();
        long back = duration.toDays() + 1;
        for (LocalDate day = today.minusDays(back); !day.isAfter(today); day = day.plusDays(1)) {
            if (days.contains(day.getDayOfWeek())) {
                Instant open = opening(day);
                if (!at.isBefore(open) && at.isBefore(open.plus(duration))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** When the window is next open from {@code now} on: {@code now} when open now; null when it never opens again. */
    Instant nextStart(Instant now) {
        if (covers(now)) {
            return now;
        }
        if (endsAt != null && !now.isBefore(endsAt)) {
            return null;
        }
        if (days == null) {
            return now.isBefore(startsAt) ? startsAt : null;
        }
        Instant from = now.isBefore(startsAt) ? startsAt : now;
        if (covers(from)) {
            return from;
        }
        LocalDate first = from.atZone(zone).toLocalDate();
        for (LocalDate day = first.minusDays(1); day.isBefore(first.plusDays(9)); day = day.plusDays(1)) {
            if (days.contains(day.getDayOfWeek())) {
                Instant open = opening(day);
                if (open.isAfter(from)) {
                    return endsAt == null || open.isBefore(endsAt) ? open : null;
                }
            }
        }
        return null;
    }

    /** The instant the window opens on a local day: the local start time, resolved as {@link ZonedDateTime#of} does. */
    private Instant opening(LocalDate day) {
        return ZonedDateTime.of(day, start, zone).toInstant();
    }
}
