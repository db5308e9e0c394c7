package io.pganalytics.common.alerting;

/**
 * {@code POST /api/v1/incidents/{id}/feedback} and {@code /notifications/{id}/feedback}: was it worth waking someone?
 *
 * @param verdict {@code useful} or {@code noise}
 * @param comment at most 1000 characters; may be null
 */
public record AlertFeedback(String verdict, String comment) {

    public static final String USEFUL = "useful";
    public static final String NOISE = "noise";
}
