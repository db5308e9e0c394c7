package io.pganalytics.common.alerting;

/**
 * {@code GET /api/v1/alerts/counts}: firing alerts of one instance by severity (the fleet overview's badges), and how
 * many of them are acknowledged or suppressed.
 *
 * @param instanceId   the instance
 * @param critical     firing critical alerts
 * @param warning      firing warning alerts
 * @param info         firing info alerts
 * @param acknowledged of those, in an acknowledged incident
 * @param suppressed   of those, held back by a silence or maintenance window
 */
public record AlertCounts(long instanceId, int critical, int warning, int info, int acknowledged, int suppressed) {
}
