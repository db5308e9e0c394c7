/**
 * Notifications (docs/ALERTING.md, "Routing and receivers", "Escalation"): receivers (email over SMTP, signed webhooks,
 * Slack, Teams, PagerDuty) with their secrets sealed by the key service; routes matching incident labels in position
 * order; the {@link io.pganalytics.server.alerting.IncidentNotifier} that turns an incident's change into rows of the
 * idempotent notification log (group wait, group interval, the bounded queue); the dispatcher on every node that claims
 * due rows, renders them with the templates and delivers them with retries; and the timers of escalation policies,
 * repeats and acknowledgements. {@link io.pganalytics.server.alerting.notify.Notifications} wires it.
 */
package io.pganalytics.server.alerting.notify;
