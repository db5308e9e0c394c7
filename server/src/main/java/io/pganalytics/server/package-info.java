/**
 * The server's entry point and composition root: {@link io.pganalytics.server.Main} parses the command line and
 * {@link io.pganalytics.server.PgAnalyticsServer} builds every feature by hand, in order, and stops them in reverse.
 */
package io.pganalytics.server;
