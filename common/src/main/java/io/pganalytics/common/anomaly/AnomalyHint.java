package io.pganalytics.common.anomaly;

import java.time.Instant;

/**
 * One root-cause hint of an anomaly: something that moved first or most, or happened in its window, ranked.
 *
 * @param rank    1 for the most likely cause
 * @param type    {@code metric} (another series that moved, first or most), {@code statement} (a statement whose time
 *                grew), {@code new_statement} (a statement first seen in the window), {@code setting} (a setting changed),
 *                {@code lock} (a blocking chain), {@code autovacuum} (a vacuum ran or is behind)
 * @param subject what it names, for a person ({@code UPDATE accounts SET ...}, {@code work_mem}, {@code public.orders})
 * @param detail  why it is a hint ({@code mean time 0.4 ms -> 38 ms, moved 2 min before}), for a person
 * @param ref     where the console links: {@code query:<queryid>}, {@code table:<datname>.<schema>.<relname>},
 *                {@code setting:<name>}, {@code series:<series>}, {@code lock:<root pid>}, {@code anomaly:<id>}
 * @param weight  the ranking weight, larger is likelier (0 to 1)
 * @param at      when it happened or began moving; null when not a moment
 */
public record AnomalyHint(int rank, String type, String subject, String detail, String ref, double weight, Instant at) {
    public static final String METRIC = "metric";
    public static final String STATEMENT = "statement";
    public static final String NEW_STATEMENT = "new_statement";
    public static final String SETTING = "setting";
    public static final String LOCK = "lock";
    public static final String AUTOVACUUM = "autovacuum";
}
