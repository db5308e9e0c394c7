/**
 * The context alerts are judged in (docs/ALERTING.md, "Silences and maintenance windows" and "On-call"): instance
 * labels and the {@link io.pganalytics.server.alerting.InstanceDirectory} built on them, silences and maintenance
 * windows and the {@link io.pganalytics.server.alerting.Suppressions} built on them, on-call schedules (rotations,
 * overrides), contacts and escalation policies and the {@link io.pganalytics.server.alerting.OnCallDirectory} built on
 * them, and their routes. {@link io.pganalytics.server.alerting.context.AlertingContext} wires it all; the rest is
 * package-private.
 */
package io.pganalytics.server.alerting.context;
