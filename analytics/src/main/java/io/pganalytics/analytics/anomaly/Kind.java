package io.pganalytics.analytics.anomaly;

/** What kind of departure a point shows; NONE for a normal point. */
public enum Kind {
    NONE,
    /** A point far outside the band of its level and season. */
    SPIKE,
    /** Several points in a row on one side of the band: the series moved to a new level (the level re-bases). */
    LEVEL_SHIFT,
    /** The newer half of the window drifts away from the older half's slope. */
    TREND_CHANGE
}
