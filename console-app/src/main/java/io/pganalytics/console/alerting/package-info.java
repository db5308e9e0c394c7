/**
 * Alerting's configuration in the console, each view self-contained (built from its view-model, which is built from
 * {@link io.pganalytics.console.alerting.AlertingService}) so the Alerts screen can host them as tabs: the rules (list
 * and editor: a condition builder for threshold, rate of change, absence, anomaly and all/any; scope, labels, {@code for},
 * severity, summary, escalation; a preview of what the rule would have fired over the last 7 days, before saving),
 * maintenance windows (one-off and recurring, with what each suppressed), on-call (who is on call now per schedule, the
 * next hand-offs, overrides), the per-rule effectiveness table (flagged rows with their suggestions), and, under
 * Administration, receivers (secrets write-only) and routes.
 */
package io.pganalytics.console.alerting;
