/**
 * An instance's dashboard: live TilesFX tiles fed by the server-sent live stream, and charts of the series API over
 * the chosen time range, with explicit loading / no-data / unreachable / expired states.
 */
package io.pganalytics.console.dashboard;
