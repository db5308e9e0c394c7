/** The fleet overview: every monitored instance with its status light and key figures; filter, search, open. */
package io.pganalytics.console.fleet;
