package io.pganalytics.common.alerting;

import java.util.List;

/**
 * {@code GET /api/v1/oncall/schedules/{id}/now} (and {@code /oncall/now} for every schedule): who is on call now and the
 * next hand-offs.
 *
 * @param scheduleId   the schedule
 * @param scheduleName its name
 * @param now          the shift in force now; null when nobody is on call
 * @param upcoming     the next shifts, at most 10
 */
public record OnCallNow(long scheduleId, String scheduleName, OnCallShift now, List<OnCallShift> upcoming) {

    public OnCallNow {
        upcoming = upcoming == null ? List.of() : List.copyOf(upcoming);
    }
}
