/**
 * {@code bench anomalies}: runs the product's own detectors ({@link io.pganalytics.analytics.anomaly}) over a labelled
 * corpus in NAB format, writes the detections in the scorer's input format ({@code file,timestamp}) and prints a
 * NAB-style score computed here the way {@code nab_score.py} computes it; {@code bench throughput}: points scored per
 * second per core and the core share that implies for a fleet. CLI output classes: they print to standard output.
 */
package io.pganalytics.analytics.bench;
