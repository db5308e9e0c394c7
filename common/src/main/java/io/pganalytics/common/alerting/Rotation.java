package io.pganalytics.common.alerting;

import java.util.List;

/**
 * A rotation of an on-call schedule: participants take turns of {@code length}, the first from {@code start} (local
 * date-time in the schedule's zone; hand-offs happen at that time of day).
 *
 * @param name         its name ({@code primary})
 * @param participants user ids, in turn order
 * @param start        {@code 2026-12-07T09:00}
 * @param length       a turn ({@code 1d}, {@code 7d})
 */
public record Rotation(String name, List<Long> participants, String start, String length) {

    public Rotation {
        participants = participants == null ? List.of() : List.copyOf(participants);
    }
}
