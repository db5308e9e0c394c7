/**
 * The collector's own health as a metric family ({@code collector_health}): per family the cycle and query
 * durations, errors and skipped ticks (from the scheduler), and one {@code collector} row with the spool depth,
 * send latency, dropped items and errors. Emitted periodically as snapshots through the same spool as every
 * other family, so the server sees a collector's health the way it sees its metrics.
 */
package io.pganalytics.collector.health;
