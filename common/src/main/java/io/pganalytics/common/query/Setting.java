package io.pganalytics.common.query;

/**
 * One server setting from the latest settings snapshot.
 *
 * @param name           the GUC name
 * @param setting        its value as PostgreSQL shows it
 * @param unit           its unit ({@code kB}, {@code ms}...) or null
 * @param source         where it comes from ({@code configuration file}, {@code default}...)
 * @param pendingRestart whether a changed value waits for a restart
 */
public record Setting(String name, String setting, String unit, String source, Boolean pendingRestart) {
}
