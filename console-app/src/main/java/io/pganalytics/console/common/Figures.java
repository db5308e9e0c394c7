package io.pganalytics.console.common;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes figures: one place, so that every screen says "1.2 GB" and "3 min ago" the same way. */
public final class Figures {
    public static final String NONE = "–";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Figures() {
    }

    public static String number(Double value, int decimals) {
        return value == null || value.isNaN() ? NONE : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    public static String count(Long value) {
        return value == null ? NONE : String.format(Locale.ROOT, "%,d", value);
    }

    public static String percent(Double ratio) {
        return ratio == null || ratio.isNaN() ? NONE : String.format(Locale.ROOT, "%.1f %%", ratio * 100);
    }

    public static String milliseconds(Double ms) {
        if (ms == null || ms.isNaN()) {
            return NONE;
        }
        if (ms >= 60_000) {
            return String.format(Locale.ROOT, "%.1f min", ms / 60_000);
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    public static String seconds(Double seconds) {
        if (seconds == null || seconds.isNaN()) {
            return NONE;
        }
        if (seconds >= 86_400) {
            return String.format(Locale.ROOT, "%.1f d", seconds / 86_400);
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return milliseconds(seconds * 1000);
    }

    public static String bytes(Long bytes) {
        if (bytes == null) {
            return NONE;
        }
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    public static String time(Instant instant) {
        return instant == null ? NONE : TIME.format(instant);
    }

    /** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
    public static String ago(Instant instant, Instant now) {
        if (instant == null) {
            return "never";
        }
        long seconds = Math.max(0, Duration.between(instant, now).toSeconds());
        if (seconds < 5) {
            return "just now";
        }
        if (seconds < 60) {
            return seconds + " s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86_400 + " d ago";
    }
}
