package io.pganalytics.common.alerting;

/**
 * {@code GET /api/v1/rules/signals}: a value rules can test.
 *
 * @param name        the name a condition uses
 * @param label       what it is, for people
 * @param unit        its unit
 * @param description how it is computed and what moves it
 */
public record SignalInfo(String name, String label, String unit, String description) {
}
