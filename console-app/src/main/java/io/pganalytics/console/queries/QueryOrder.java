package io.pganalytics.console.queries;

/** The orders the server ranks statements by. */
public enum QueryOrder {
    TOTAL_TIME("total_time", "Total time"),
    CALLS("calls", "Calls"),
    MEAN_TIME("mean_time", "Mean time"),
    ROWS("rows", "Rows"),
    IO("io", "Blocks read");

    private final String wireName;
    private final String label;

    QueryOrder(String wireName, String label) {
        this.wireName = wireName;
        this.label = label;
    }

    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return label;
    }
}
