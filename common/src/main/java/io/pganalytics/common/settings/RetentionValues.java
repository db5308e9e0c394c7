package io.pganalytics.common.settings;

/** The effective retention of each resolution; {@code minute} and {@code hour} are null for a family without rollups. */
public record RetentionValues(RetentionValue raw, RetentionValue minute, RetentionValue hour) {
}
