/**
 * The one grammar for durations and sizes that every configuration file and command line of the product reads
 * (collector.yaml, the collector's options, the server's application.yaml): {@link io.pganalytics.common.units.Durations},
 * {@link io.pganalytics.common.units.ByteSizes}, and {@link io.pganalytics.common.units.NearestKey} for naming the
 * valid key nearest to a misspelt one.
 */
package io.pganalytics.common.units;
