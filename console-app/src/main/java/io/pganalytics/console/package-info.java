/**
 * The pgAnalytics operations console: a JavaFX desktop application that talks to pgAnalytics servers over HTTPS only.
 * Packages by feature: {@code app} (start-up, composition root, navigation), {@code api} (the HTTP and SSE client),
 * {@code connect}, {@code login}, {@code mfa}, {@code fleet}, {@code dashboard}, {@code queries}, {@code tables}, {@code admin},
 * {@code audit}, {@code common.ui}.
 */
package io.pganalytics.console;
