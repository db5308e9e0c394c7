package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.Rotation;
import io.pganalytics.common.units.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is on call in one schedule, at any instant. Each rotation hands off every {@code length} from its {@code start},
 * counted in local time in the schedule's zone, so that a daily or weekly hand-off stays at its time of day across
 * daylight-saving changes (a turn is then an hour shorter or longer); a hand-off time the spring change skips happens
 * when the clocks have moved on, one the autumn change repeats happens the first time. Rotations are layered: the later
 * one in the list wins from its start on. An override wins over the rotations while it lasts (the latest made wins
 * over another override).
 */
final class OnCallTimeline {
    static final String OVERRIDE = "override";
    /** How far shifts are followed forwards or backwards when merging turns of one person or listing the next ones. */
    static final Duration HORIZON = Duration.ofDays(400);
    private static final int MAX_STEPS = 2000;

    /** Someone on call between two instants ({@code to} null: as far as the timeline was followed, no change). */
    record Shift(long userId, String rotation, Instant from, Instant to) {
    }

    private record Who(long userId, String rotation) {
    }

    /** A rotation, its turns at local boundaries. */
    private record Layer(String name, List<Long> participants, LocalDateTime start, long lengthMinutes, ZoneId zone) {
        LocalDateTime local(long turn) {
            return lengthMinutes % 1440 == 0 ? start.plusDays(turn * (lengthMinutes / 1440)) : start.plusMinutes(turn * lengthMinutes);
        }

        Instant boundary(long turn) {
            return ZonedDateTime.of(local(turn), zone).toInstant();
        }

        /** The turn in force at {@code at}; negative before the rotation's start. */
        long turn(Instant at) {
            LocalDateTime local = LocalDateTime.ofInstant(at, zone);
            long turn = Math.floorDiv(ChronoUnit.MINUTES.between(start, local), lengthMinutes);
            while (turn >= 0 && boundary(turn).isAfter(at)) {
                turn--;
            }
            while (!boundary(turn + 1).isAfter(at)) {
                turn++;
            }
            return Math.max(turn, -1);
        }
    }

    private final List<Layer> layers;
    private final List<OnCallOverride> overrides;

    /** A timeline of rotations and overrides already checked ({@link ScheduleStore} checks them). */
    OnCallTimeline(ZoneId zone, List<Rotation> rotations, List<OnCallOverride> overrides) {
        List<Layer> list = new ArrayList<>();
        for (Rotation rotation : rotations) {
            list.add(new Layer(rotation.name(), rotation.participants(), LocalDateTime.parse(rotation.start()),
                    Durations.parse(rotation.length()).toMinutes(), zone));
        }
        this.layers = List.copyOf(list);
        this.overrides = overrides.stream().sorted(Comparator.comparing(OnCallOverride::id, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    /** The shift in force at {@code at} (turns of the same person one after another make one shift); empty: nobody. */
    Optional<Shift> at(Instant at) {
        Who who = who(at);
        if (who == null) {
            return Optional.empty();
        }
        Instant from = previousChange(at);
        int steps = 0;
        while (from != null && steps++ < MAX_STEPS && from.isAfter(at.minus(HORIZON)) && who.equals(who(from.minusNanos(1)))) {
            from = previousChange(from.minusNanos(1));
        }
        return Optional.of(new Shift(who.userId(), who.rotation(), from, end(who, at)));
    }

    /** The shifts after the one in force at {@code at} (or after {@code at} when nobody is on call), at most {@code max}. */
    List<Shift> upcoming(Instant at, int max) {
        List<Shift> shifts = new ArrayList<>();
        Who current = who(at);
        Instant next = current == null ? nextChange(at) : end(current, at);
        Instant limit = at.plus(HORIZON);
        while (next != null && shifts.size() < max && next.isBefore(limit)) {
            Who who = who(next);
            if (who == null) {
                next = nextChange(next);
                continue;
            }
            Instant to = end(who, next);
            shifts.add(new Shift(who.userId(), who.rotation(), next, to));
            next = to;
        }
        return shifts;
    }

    /** Where the shift of {@code who} in force at {@code at} ends: the next change to someone else (or nobody). */
    private Instant end(Who who, Instant at) {
        Instant to = nextChange(at);
        int steps = 0;
        while (to != null && steps++ < MAX_STEPS && to.isBefore(at.plus(HORIZON)) && who.equals(who(to))) {
            to = nextChange(to);
        }
        return to;
    }

    private Who who(Instant at) {
        OnCallOverride override = null;
        for (OnCallOverride candidate : overrides) {
            if (!at.isBefore(candidate.startsAt()) && at.isBefore(candidate.endsAt())) {
                override = candidate; // sorted by id: the latest made wins
            }
        }
        if (override != null) {
            return new Who(override.userId(), OVERRIDE);
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer layer = layers.get(i);
            long turn = layer.turn(at);
            if (turn >= 0) {
                return new Who(layer.participants().get((int) (turn % layer.participants().size())), layer.name());
            }
        }
        return null;
    }

    /** The first instant after {@code at} where who is on call may change; null: never. */
    private Instant nextChange(Instant at) {
        Instant next = null;
        for (Layer layer : layers) {
            next = earliest(next, layer.boundary(layer.turn(at) + 1));
        }
        for (OnCallOverride override : overrides) {
            if (override.startsAt().isAfter(at)) {
                next = earliest(next, override.startsAt());
            }
            if (override.endsAt().isAfter(at)) {
                next = earliest(next, override.endsAt());
            }
        }
        return next;
    }

    /** The last instant at or before {@code at} where who is on call may have changed; null: never. */
    private Instant previousChange(Instant at) {
        Instant previous = null;
        for (Layer layer : layers) {
            long turn = layer.turn(at);
            if (turn >= 0) {
                previous = latest(previous, layer.boundary(turn));
            }
        }
        for (OnCallOverride override : overrides) {
            if (!override.startsAt().isAfter(at)) {
                previous = latest(previous, override.startsAt());
            }
            if (!override.endsAt().isAfter(at)) {
                previous = latest(previous, override.endsAt());
            }
        }
        return previous;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    @Override
    public String toString() {
        return "OnCallTimeline" + layers.stream().map(Layer::name).toList() + " overrides " + overrides.stream().map(o -> Objects.toString(o.id())).toList();
    }
}
