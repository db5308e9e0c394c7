package io.pganalytics.common.collectors;

import java.time.Instant;

/**
 * A registered collector as the API shows it: never its credential or the credential's hash.
 *
 * @param id               the collector's id (a UUID), part of its credential
 * @param name             its display name
 * @param hostname         the host it registered from
 * @param version          the release it registered with
 * @param createdAt        when it registered
 * @param enabled          false: its credential is refused on every node
 * @param heartbeat        what it last reported, or null when it never sent anything
 */
public record CollectorView(String id,
                            String name,
                            String hostname,
                            String version,
                            Instant createdAt,
                            boolean enabled,
                            CollectorHeartbeat heartbeat) {
}
