package io.pganalytics.common.alerting;

/**
 * What sending one message gave ({@code POST /receivers/{id}/test}, and every notification's record).
 *
 * @param delivered  whether the receiver accepted it
 * @param status     the HTTP status or SMTP reply code; null when no answer came
 * @param error      why not, without any secret; null when delivered
 * @param durationMs how long the attempt took
 */
public record DeliveryResult(boolean delivered, Integer status, String error, long durationMs) {
}
