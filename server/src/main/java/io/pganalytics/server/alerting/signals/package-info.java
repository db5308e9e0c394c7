/**
 * The signals alert rules test (docs/ALERTING.md, "Signals"): {@link io.pganalytics.server.alerting.signals.SqlSignalSource}
 * reads each signal for many instances with one statement from the stored series; {@code Signals} defines them.
 */
package io.pganalytics.server.alerting.signals;
