/** What every screen shares: the theme (one stylesheet of looked-up colours), notifications, small widgets. */
package io.pganalytics.console.common.ui;
