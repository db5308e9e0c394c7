package io.pganalytics.common.query;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances/{id}}.
 *
 * @param summary          the fleet row
 * @param serverVersionNum server_version_num, e.g. 170002
 * @param startTime        when the postmaster started, from the latest instance snapshot
 * @param uptimeSeconds    uptime at that snapshot
 * @param firstSeenAt      when the inventory first saw it
 * @param settingsAt       when the settings below were collected; null without any
 * @param settings         the latest settings snapshot, by name (at most 1000)
 * @param databases        its databases, by name
 */
public record InstanceDetail(InstanceSummary summary, Long serverVersionNum, Instant startTime, Double uptimeSeconds,
                             Instant firstSeenAt, Instant settingsAt, List<Setting> settings, List<DatabaseInfo> databases) {
    public InstanceDetail {
        settings = settings == null ? List.of() : List.copyOf(settings);
        databases = databases == null ? List.of() : List.copyOf(databases);
    }
}
