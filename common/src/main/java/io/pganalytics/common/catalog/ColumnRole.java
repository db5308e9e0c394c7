package io.pganalytics.common.catalog;

/** What a column means, which decides how the collector sends it and how the server may aggregate it. */
public enum ColumnRole {
    /** Identifies the object a row is about (datname, relname, queryid...); together the keys are unique per snapshot. */
    KEY,
    /** Describes the object; not numeric and not aggregated (a phase, a state, a setting's value). */
    LABEL,
    /** A cumulative counter in PostgreSQL, sent as its difference over the snapshot's interval; never negative. */
    COUNTER,
    /** A value sent as it was read (a size, a count of sessions, an age in seconds). */
    GAUGE
}
