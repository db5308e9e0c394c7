/**
 * The server's own figures in the Prometheus text format, served on the admin socket: a small registry of counters,
 * gauges and histograms (no global state: one registry per server, passed to the features that record).
 */
package io.pganalytics.server.metrics;
