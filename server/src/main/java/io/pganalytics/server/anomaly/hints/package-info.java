/**
 * Root-cause hints of an anomaly (docs/ANOMALIES.md, "Root-cause hints"): {@link io.pganalytics.server.anomaly.hints.SqlHintFinder}
 * reads the stored raw families of the instance for the anomaly's window (statements and their texts, settings, locks,
 * vacuum, tables) and ranks what it finds with the series the scorer saw move, by timing, magnitude and relevance to
 * the anomalous series.
 */
package io.pganalytics.server.anomaly.hints;
