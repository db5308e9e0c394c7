/**
 * What the admin commands of {@code pganalytics-server} share ({@code keys}, {@code anomalies}): the connection to a
 * node's API (trusting it as the operator says or as the node's runtime file records), and a signed-in session that
 * answers MFA challenges, step-ups and confirmations. Secrets are sent once and never printed.
 */
package io.pganalytics.server.cli;
