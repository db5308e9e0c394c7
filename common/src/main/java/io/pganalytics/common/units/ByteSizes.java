package io.pganalytics.common.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people write them in configuration: a whole number of bytes, or a number and a unit. The units follow
 * the SI and IEC standards: {@code KB}, {@code MB}, {@code GB}, {@code TB} are powers of 1000 and {@code KiB},
 * {@code MiB}, {@code GiB}, {@code TiB} powers of 1024 ({@code 256MB} is 256,000,000 bytes, {@code 256MiB} is
 * 268,435,456). Case does not matter and blanks around and between are allowed. A lone {@code k}, {@code m} or
 * {@code g} is refused: it would be read one way by some and the other way by others.
 */
public final class ByteSizes {
    /** What every error message shows, so that a reader sees the grammar and the meaning of the units at once. */
    public static final String EXAMPLES = "examples: 1048576, 512KiB, 16MiB, 1GiB; KB, MB, GB are powers of 1000, "
            + "KiB, MiB, GiB powers of 1024";
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private ByteSizes() {
    }

    /**
     * @throws IllegalArgumentException naming the text and the grammar when it is not a size, or when it does not fit a
     *                                  {@code long}
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a size is required (" + EXAMPLES + ")");
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (" + EXAMPLES + ")");
        }
        long factor = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kb" -> 1000L;
            case "mb" -> 1000L * 1000;
            case "gb" -> 1000L * 1000 * 1000;
            case "tb" -> 1000L * 1000 * 1000 * 1000;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit '" + m.group(2) + "' ("
                    + EXAMPLES + ")");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large for a size");
        }
    }
}
