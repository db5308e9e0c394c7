package io.pganalytics.analytics.anomaly;

import java.util.List;

/**
 * The verdict on one instance's vector of metrics.
 *
 * @param learning   true until the forest has been trained: nothing is flagged
 * @param score      the isolation score in (0, 1); 0 while learning
 * @param anomalous  the score reached the threshold
 * @param deviating  indexes of the metrics that deviate most from their recent median (in robust sigmas), most first,
 *                   at most three: the first hint of where to look
 */
public record InstanceVerdict(boolean learning, double score, boolean anomalous, List<Integer> deviating) {
}
