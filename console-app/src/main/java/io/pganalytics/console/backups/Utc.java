package io.pganalytics.console.backups;

import io.pganalytics.console.common.Figures;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Times on the Backups screen are in UTC, as the server's schedule and the restore command take them. */
final class Utc {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** In a table whose column says UTC, to the minute (the row's detail and the wizard give seconds). */
    static final DateTimeFormatter CELL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter DATE_FIELD = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TIME_FIELD = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Utc() {
    }

    static String time(Instant instant) {
        return instant == null ? Figures.NONE : TIME.format(instant);
    }

    static String cell(Instant instant) {
        return instant == null ? Figures.NONE : CELL.format(instant);
    }

    /** The instant of a date ({@code 2026-12-07}) and a time of day ({@code 08:30} or {@code 08:30:15}) in UTC; empty when either is not one. */
    static Optional<Instant> parse(String date, String time) {
        try {
            LocalDate day = LocalDate.parse(date == null ? "" : date.strip());
            LocalTime at = LocalTime.parse(time == null ? "" : time.strip());
            return Optional.of(day.atTime(at).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
