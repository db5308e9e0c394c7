package io.pganalytics.common.alerting;

import java.util.List;

/**
 * A page of incidents, newest first.
 *
 * @param incidents the page
 * @param next      the cursor of the next page; null on the last
 */
public record IncidentPage(List<IncidentView> incidents, String next) {

    public IncidentPage {
        incidents = List.copyOf(incidents);
    }
}
