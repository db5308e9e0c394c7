/**
 * The wire model of alerting ({@code /api/v1/alerts}, {@code /rules}, {@code /incidents}, {@code /silences},
 * {@code /maintenance-windows}, {@code /receivers}, {@code /routes}, {@code /oncall}, {@code /notifications}; docs/API.md
 * "Alerting", docs/ALERTING.md): rules and their language, alerts and incidents, silences and maintenance windows,
 * receivers, routes, on-call schedules and escalation policies, notifications, feedback and rule effectiveness.
 */
package io.pganalytics.common.alerting;
