/**
 * The Alerts screen: what fires now, the incidents (open, acknowledged, resolved) and the history of resolved alerts,
 * kept live by the fleet's alert stream ({@code /alerts/live}); an incident's detail (its alerts, the root-cause hints of
 * anomaly detection, the notifications sent and what became of them, useful / noise feedback); acknowledge with the key
 * {@code A} and silence with {@code S} through a dialog prefilled from the selected alert. The screen's tab pane also
 * hosts the alerting administration views of {@code console.alerting}.
 */
package io.pganalytics.console.alerts;
