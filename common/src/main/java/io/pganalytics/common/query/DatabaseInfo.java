package io.pganalytics.common.query;

import java.time.Instant;

/**
 * One database of an instance.
 *
 * @param datname     its name
 * @param sizeBytes   its size at the latest sample, or null
 * @param firstSeenAt when it was first reported
 * @param lastSeenAt  when it was last reported
 */
public record DatabaseInfo(String datname, Long sizeBytes, Instant firstSeenAt, Instant lastSeenAt) {
}
