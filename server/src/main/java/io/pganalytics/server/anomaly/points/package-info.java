/**
 * The detectors' points (issue 16): {@link io.pganalytics.server.anomaly.points.SqlPointSource} reads every detection
 * series of an instance from the raw time-series tables, one statement per family, and
 * {@link io.pganalytics.server.anomaly.points.DetectionCatalogue} names the series, their sources, units and charts.
 */
package io.pganalytics.server.anomaly.points;
