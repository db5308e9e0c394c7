package io.pganalytics.common.anomaly;

import java.util.List;

/**
 * A page of anomalies, newest first ({@code started_at}, then id).
 *
 * @param anomalies the page
 * @param next      the cursor of the next page ({@code cursor=}); null on the last page
 */
public record AnomalyPage(List<AnomalyView> anomalies, String next) {
    public AnomalyPage {
        anomalies = List.copyOf(anomalies);
    }
}
