package io.pganalytics.console.dashboard;

import java.util.List;

/**
 * One chart of the dashboard: a metric of the series API and how its values read.
 *
 * @param metric the series API's metric name
 * @param title  the chart's title
 * @param unit   how values read: {@code ratio} charts show percent
 */
public record Chart(String metric, String title, String unit) {
    public static final List<Chart> ALL = List.of(
            new Chart("tps", "Transactions per second", "1/s"),
            new Chart("connections", "Connections", "connections"),
            new Chart("cache_hit_ratio", "Cache hit ratio", "ratio"),
            new Chart("longest_transaction_seconds", "Longest transaction", "seconds"),
            new Chart("deadlocks", "Deadlocks", "count"),
            new Chart("host_cpu_busy_ratio", "Host CPU busy", "ratio"));
}
