package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * One alert a rule would have fired.
 *
 * @param instanceId   the instance
 * @param instanceName its name
 * @param firedAt      when it would have fired (after {@code for})
 * @param resolvedAt   when it would have resolved; null if still firing at the preview's end
 * @param peakValue    the highest (for {@code <} rules: lowest) value while firing; null for absence
 */
public record PreviewFiring(long instanceId, String instanceName, Instant firedAt, Instant resolvedAt, Double peakValue) {
}
