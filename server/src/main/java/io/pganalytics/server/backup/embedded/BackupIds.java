package io.pganalytics.server.backup.embedded;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Backup ids: the UTC time the backup starts, {@code 20261207T081500Z}; {@code -2}, {@code -3}... when taken. */
public final class BackupIds {
    /** What an id may be (a name in the repository and a key in the catalogue). */
    public static final Pattern ID = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_.-]{0,59}");
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_SUFFIX = 1000;

    private BackupIds() {
    }

    /** The id of a backup starting at {@code now}. */
    public static String at(Instant now) {
        return FORMAT.format(now.truncatedTo(ChronoUnit.SECONDS));
    }

    /** {@code wanted}, or {@code wanted-2}, {@code wanted-3}... the first that is not {@code taken}. */
    public static String unique(String wanted, Predicate<String> taken) {
        if (!ID.matcher(wanted).matches()) {
            throw new IllegalArgumentException("not a valid backup id: '" + wanted + "' (letters, digits, '.', '_', '-'; at most 60)");
        }
        if (!taken.test(wanted)) {
            return wanted;
        }
        for (int n = 2; n < MAX_SUFFIX; n++) {
            String candidate = wanted + "-" + n;
            if (!taken.test(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("backup ids " + wanted + " to " + wanted + "-" + (MAX_SUFFIX - 1) + " are all taken");
    }
}
