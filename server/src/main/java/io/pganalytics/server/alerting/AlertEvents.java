package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertEvent;

/** Where changed alerts and incidents go: the live streams of every node (server.live), after their transaction committed. */
public interface AlertEvents {

    void publish(AlertEvent event);
}
