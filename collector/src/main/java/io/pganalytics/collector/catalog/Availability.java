package io.pganalytics.collector.catalog;

/**
 * Whether a family can be collected on a target, what it will collect, or what is missing and how to fix it.
 *
 * @param available true when the family will be collected (possibly partially: see {@code fix})
 * @param detail    what it collects from ("pg_stat_statements 1.11") or what is missing
 * @param fix       what the operator can do, or null when there is nothing to do
 */
public record Availability(boolean available, String detail, String fix) {
    public static Availability yes(String detail) {
        return new Availability(true, detail, null);
    }

    public static Availability partial(String detail, String fix) {
        return new Availability(true, detail, fix);
    }

    public static Availability no(String detail, String fix) {
        return new Availability(false, detail, fix);
    }
}
