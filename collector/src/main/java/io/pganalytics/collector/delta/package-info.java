/**
 * Counters to deltas: {@link io.pganalytics.collector.delta.DeltaTracker} keeps the previous sample of one
 * family and turns cumulative counters into per-interval differences, with a baseline on the first sample and
 * dropped intervals on resets (a reset marker moved, a counter went down, a key vanished and came back).
 * {@link io.pganalytics.collector.delta.TopN} cuts pg_stat_statements deltas to the top N by total time plus an
 * "other" row. Nothing downstream of the collector ever sees a cumulative counter.
 */
package io.pganalytics.collector.delta;
