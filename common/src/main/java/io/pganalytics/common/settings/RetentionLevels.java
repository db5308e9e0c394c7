package io.pganalytics.common.settings;

/**
 * How long each resolution is kept, as durations in the product's grammar ({@code 14d}, {@code 36h}, {@code P30D}).
 * In a {@link RetentionUpdate}, a value absent or null leaves that level as it is, and {@link #CONFIGURATION} returns
 * it to the configuration file's value.
 *
 * @param raw    raw samples
 * @param minute 1-minute rollups
 * @param hour   1-hour rollups
 */
public record RetentionLevels(String raw, String minute, String hour) {
    /** The value that drops a change made through the API: the configuration file's value applies again. */
    public static final String CONFIGURATION = "configuration";
}
