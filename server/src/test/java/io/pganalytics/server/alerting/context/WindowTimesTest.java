package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.Recurrence;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When maintenance windows are open, across daylight-saving changes (Europe/Paris: CET +1 in winter, CEST +2 in summer). */
class WindowTimesTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

    private static WindowTimes recurring(List<String> days, String start, String duration, Instant endsAt) {
        return WindowTimes.of(FROM, endsAt, new Recurrence(days, start, duration, "Europe/Paris"));
    }

    @Test
    void aWeeklyWindowKeepsItsLocalTimeInWinterAndSummer() {
        WindowTimes monday = recurring(List.of("MON"), "09:00", "1h", null);
        // 2026-01-05 is a Monday: 09:00 CET = 08:00Z
        assertFalse(monday.covers(Instant.parse("2026-01-05T07:59:59Z")));
        assertTrue(monday.covers(Instant.parse("2026-01-05T08:00:00Z")));
        assertTrue(monday.covers(Instant.parse("2026-01-05T08:59:59Z")));
        assertFalse(monday.covers(Instant.parse("2026-01-05T09:00:00Z")));
        // 2026-07-06 is a Monday: 09:00 CEST = 07:00Z
        assertTrue(monday.covers(Instant.parse("2026-07-06T07:00:00Z")));
        assertFalse(monday.covers(Instant.parse("2026-07-06T08:30:00Z")), "10:30 in summer is after the window");
        assertFalse(monday.covers(Instant.parse("2026-07-07T07:30:00Z")), "not on Tuesdays");
        assertEquals(Instant.parse("2026-07-06T07:00:00Z"), monday.nextStart(Instant.parse("2026-07-03T12:00:00Z")));
    }

    @Test
    void aStartInTheSkippedSpringHourOpensWhenTheClocksHaveMovedOn() {
        // 2026-03-29 (Sunday): at 02:00 CET the clocks go to 03:00 CEST; 02:30 does not exist that day
        WindowTimes daily = recurring(List.of("SUN"), "02:30", "1h", null);
        Instant next = daily.nextStart(Instant.parse("2026-03-28T12:00:00Z"));
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), next, "03:30 CEST");
        assertTrue(daily.covers(Instant.parse("2026-03-29T02:00:00Z")));
        assertFalse(daily.covers(Instant.parse("2026-03-29T02:30:00Z")), "one elapsed hour later it is closed");
    }

    @Test
    void aStartInTheRepeatedAutumnHourOpensTheFirstTimeAndLastsItsElapsedDuration() {
        // 2026-10-25 (Sunday): at 03:00 CEST the clocks go back to 02:00 CET; 02:30 happens twice
        WindowTimes daily = recurring(List.of("SUN"), "02:30", "1h", null);
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"), daily.nextStart(Instant.parse("2026-10-24T12:00:00Z")), "02:30 CEST");
        assertTrue(daily.covers(Instant.parse("2026-10-25T01:15:00Z")));
        assertFalse(daily.covers(Instant.parse("2026-10-25T01:30:00Z")), "the second 02:30 (CET) does not open it again");
    }

    @Test
    void aWindowOverMidnightCoversTheNextDayAndStopsAtItsEnd() {
        WindowTimes saturday = recurring(List.of("SAT"), "23:00", "4h", Instant.parse("2026-01-11T00:00:00Z"));
        // Saturday 2026-01-03 23:00 CET = 22:00Z, until Sunday 02:00Z
        assertTrue(saturday.covers(Instant.parse("2026-01-04T01:00:00Z")));
        assertFalse(saturday.covers(Instant.parse("2026-01-04T02:00:00Z")));
        assertTrue(saturday.covers(Instant.parse("2026-01-10T23:30:00Z")));
        assertFalse(saturday.covers(Instant.parse("2026-01-11T00:30:00Z")), "clipped at the window's end");
        assertNull(saturday.nextStart(Instant.parse("2026-01-11T00:30:00Z")), "never again after its end");
    }

    @Test
    void aOneOffWindowIsOpenFromItsStartUntilItsEnd() {
        WindowTimes once = WindowTimes.of(Instant.parse("2026-02-01T10:00:00Z"), Instant.parse("2026-02-01T12:00:00Z"), null);
        assertFalse(once.covers(Instant.parse("2026-02-01T09:59:59Z")));
        assertTrue(once.covers(Instant.parse("2026-02-01T10:00:00Z")));
        assertFalse(once.covers(Instant.parse("2026-02-01T12:00:00Z")));
        assertEquals(Instant.parse("2026-02-01T10:00:00Z"), once.nextStart(Instant.parse("2026-01-31T00:00:00Z")));
        assertNull(once.nextStart(Instant.parse("2026-02-01T12:00:00Z")));
    }
}
