package io.pganalytics.common.alerting;

import java.util.List;

/**
 * A page of notifications, newest first.
 *
 * @param notifications the page
 * @param next          the cursor of the next page; null on the last
 */
public record NotificationPage(List<NotificationView> notifications, String next) {

    public NotificationPage {
        notifications = List.copyOf(notifications);
    }
}
