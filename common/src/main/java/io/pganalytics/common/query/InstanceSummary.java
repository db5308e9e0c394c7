package io.pganalytics.common.query;

import java.time.Instant;

/**
 * One monitored instance in the fleet.
 *
 * @param id              the inventory id used in every {@code /instances/{id}} route
 * @param name            the name its collector gives it
 * @param host            the address its collector reaches it at
 * @param port            its port
 * @param status          up, stale or down (see {@link InstanceStatus})
 * @param lastSeenAt      when a batch for it last arrived
 * @param lastCollectedAt the newest sample stored for it
 * @param version         server_version, e.g. {@code 17.2}; null until an instance snapshot arrived
 * @param role            {@code primary} or {@code standby}; null until known
 * @param figures         its key figures
 */
public record InstanceSummary(long id, String name, String host, int port, InstanceStatus status, Instant lastSeenAt,
                              Instant lastCollectedAt, String version, String role, KeyFigures figures) {
}
