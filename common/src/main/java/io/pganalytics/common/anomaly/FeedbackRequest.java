package io.pganalytics.common.anomaly;

/**
 * {@code POST /api/v1/anomalies/{id}/feedback}: an operator's verdict on an anomaly, kept for the alerting feedback loop.
 *
 * @param verdict {@code expected} (this was expected: a planned job, a known pattern) or {@code real} (a real problem)
 * @param comment optional, at most 1000 characters
 */
public record FeedbackRequest(String verdict, String comment) {
}
