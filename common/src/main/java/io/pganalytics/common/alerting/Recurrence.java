package io.pganalytics.common.alerting;

import java.util.List;

/**
 * When a recurring maintenance window opens: on each of {@code days} at {@code start} local time in {@code timeZone}, for
 * {@code duration}.
 *
 * @param days     {@code MON} .. {@code SUN}
 * @param start    {@code HH:mm}
 * @param duration {@code 2h}, at most 7 days
 * @param timeZone an IANA zone ({@code Europe/Paris})
 */
public record Recurrence(List<String> days, String start, String duration, String timeZone) {

    public Recurrence {
        days = days == null ? List.of() : List.copyOf(days);
    }
}
