package io.pganalytics.common.alerting;

import java.util.List;

/**
 * A page of alerts, newest first.
 *
 * @param alerts the page
 * @param next   the cursor of the next page; null on the last
 */
public record AlertPage(List<AlertView> alerts, String next) {

    public AlertPage {
        alerts = List.copyOf(alerts);
    }
}
