package io.pganalytics.common.alerting;

import java.util.List;

/**
 * {@code /api/v1/oncall/schedules}: who answers, when.
 *
 * @param id        the schedule's id
 * @param name      unique
 * @param timeZone  an IANA zone; rotations' times are local to it
 * @param rotations at least one; layered: the later rotation wins where two cover the same time
 * @param overrides its overrides that have not ended (answers only; they have their own routes)
 * @param version   the optimistic-lock version
 */
public record OnCallSchedule(Long id, String name, String timeZone, List<Rotation> rotations, List<OnCallOverride> overrides, long version) {

    public OnCallSchedule {
        rotations = rotations == null ? List.of() : List.copyOf(rotations);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }
}
