package io.pganalytics.console.common;

/**
 * The expected band of a series at one moment, as a chart shades it.
 *
 * @param epochSecond the moment
 * @param lower       the band's lower edge
 * @param upper       its upper edge
 */
public record BandPoint(long epochSecond, double lower, double upper) {
}
