/**
 * What every feature shares and that needs no screen: where the console keeps its settings ({@link
 * io.pganalytics.console.common.ConsoleHome}), the executors that keep IO off the FX thread ({@link
 * io.pganalytics.console.common.Background}), the sink view-models report problems to ({@link
 * io.pganalytics.console.common.Notices}) and the formatting of figures.
 */
package io.pganalytics.console.common;
