package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.Rotation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is on call: hand-offs at local time across daylight-saving changes, layered rotations, overrides. */
class OnCallTimelineTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static OnCallTimeline.Shift at(OnCallTimeline timeline, String instant) {
        return timeline.at(Instant.parse(instant)).orElseThrow();
    }

    @Test
    void dailyHandOffsStayAtNineInTheMorningAcrossTheSpringChange() {
        // 2026-03-28 09:00 CET = 08:00Z; on 2026-03-29 the clocks move on; 2026-03-30 09:00 CEST = 07:00Z
        OnCallTimeline timeline = new OnCallTimeline(PARIS, List.of(new Rotation("primary", List.of(1L, 2L), "2026-03-28T09:00", "1d")), List.of());
        OnCallTimeline.Shift first = at(timeline, "2026-03-28T12:00:00Z");
        assertEquals(1L, first.userId());
        assertEquals(Instant.parse("2026-03-28T08:00:00Z"), first.from());
        assertEquals(Instant.parse("2026-03-29T07:00:00Z"), first.to(), "09:00 CEST on the change day: a 23-hour turn");
        assertEquals(2L, at(timeline, "2026-03-29T07:00:00Z").userId());
        assertEquals(1L, at(timeline, "2026-03-28T08:00:00Z").userId());
        assertEquals(1L, at(timeline, "2026-03-30T07:00:00Z").userId());
        assertEquals(Instant.parse("2026-03-31T07:00:00Z"), at(timeline, "2026-03-30T07:00:00Z").to());
    }

    @Test
    void aWeeklyRotationWithOnePersonIsOneShiftAndNobodyIsOnCallBeforeItsStart() {
        OnCallTimeline timeline = new OnCallTimeline(PARIS, List.of(new Rotation("solo", List.of(7L), "2026-01-05T09:00", "7d")), List.of());
        assertTrue(timeline.at(Instant.parse("2026-01-05T07:59:00Z")).isEmpty());
        OnCallTimeline.Shift shift = at(timeline, "2026-02-01T00:00:00Z");
        assertEquals(7L, shift.userId());
        assertEquals(Instant.parse("2026-01-05T08:00:00Z"), shift.from(), "turns of the same person make one shift");
    }

    @Test
    void aLaterRotationWinsFromItsStartAndAnOverrideWinsOverBoth() {
        List<Rotation> rotations = List.of(new Rotation("primary", List.of(1L, 2L), "2026-01-05T09:00", "7d"),
                new Rotation("holidays", List.of(3L), "2026-01-19T09:00", "1d"));
        List<OnCallOverride> overrides = List.of(new OnCallOverride(10L, 4L, Instant.parse("2026-01-07T12:00:00Z"),
                Instant.parse("2026-01-07T18:00:00Z"), "swap"));
        OnCallTimeline timeline = new OnCallTimeline(PARIS, rotations, overrides);
        assertEquals(1L, at(timeline, "2026-01-07T11:00:00Z").userId());
        OnCallTimeline.Shift override = at(timeline, "2026-01-07T13:00:00Z");
        assertEquals(4L, override.userId());
        assertEquals(OnCallTimeline.OVERRIDE, override.rotation());
        assertEquals(Instant.parse("2026-01-07T18:00:00Z"), override.to());
        OnCallTimeline.Shift after = at(timeline, "2026-01-07T18:00:00Z");
        assertEquals(1L, after.userId());
        assertEquals(Instant.parse("2026-01-07T18:00:00Z"), after.from());
        assertEquals(Instant.parse("2026-01-12T08:00:00Z"), after.to());
        assertEquals(2L, at(timeline, "2026-01-13T00:00:00Z").userId());
        assertEquals("holidays", at(timeline, "2026-01-20T00:00:00Z").rotation());

        List<OnCallTimeline.Shift> upcoming = timeline.upcoming(Instant.parse("2026-01-07T11:00:00Z"), 3);
        assertEquals(List.of(4L, 1L, 2L), upcoming.stream().map(OnCallTimeline.Shift::userId).toList());
        assertEquals(Instant.parse("2026-01-19T08:00:00Z"), upcoming.get(2).to(), "the holidays layer takes over");
    }
}
