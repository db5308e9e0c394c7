package io.pganalytics.common.wire;

/**
 * Identifies a monitored PostgreSQL instance across restarts, renames and collectors.
 *
 * @param systemIdentifier the cluster's {@code pg_control_system().system_identifier}, as a decimal string
 * @param name             the name the operator gave the target in the collector's configuration
 * @param host             the host the collector connects to, for display
 * @param port             the port the collector connects to
 */
public record TargetRef(String systemIdentifier, String name, String host, int port) {
}
