/**
 * The Anomalies screen: the fleet's anomalies, newest and most severe first, kept live by the fleet's anomaly stream,
 * with filters; an anomaly's detail (its series around it with the expected band and the anomaly marked, the ranked
 * root-cause hints as links to what they name, "this was expected" / "this was real" feedback); and an instance's
 * anomaly settings (sensitivity, exclusions, the learning state).
 */
package io.pganalytics.console.anomalies;
