/**
 * Alerting (docs/ALERTING.md): rules evaluated on the node that owns each rule, alerts through pending, firing and
 * resolved, grouped into incidents, held back by silences and maintenance windows, escalated, routed to receivers and
 * on-call people through an idempotent notification log, with feedback that flags noisy rules.
 * <p>
 * The seams: {@link io.pganalytics.server.alerting.SignalSource} (the values rules test; .signals),
 * {@link io.pganalytics.server.alerting.InstanceDirectory}, {@link io.pganalytics.server.alerting.Suppressions} and
 * {@link io.pganalytics.server.alerting.OnCallDirectory} (.context), {@link io.pganalytics.server.alerting.IncidentNotifier}
 * (.notify) and {@link io.pganalytics.server.alerting.AlertEvents} (server.live).
 */
package io.pganalytics.server.alerting;
