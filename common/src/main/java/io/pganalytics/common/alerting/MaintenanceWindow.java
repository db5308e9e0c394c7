package io.pganalytics.common.alerting;

import java.time.Instant;

/**
 * {@code /api/v1/maintenance-windows}: planned work during which the alerts of its scope are suppressed and marked (and
 * listed afterwards: {@code GET /maintenance-windows/{id}/suppressed}).
 *
 * @param id         the window's id
 * @param name       what the work is
 * @param scope      which instances
 * @param startsAt   a one-off window's start; a recurring one's first possible start
 * @param endsAt     a one-off window's end; a recurring one's last (null = no end)
 * @param recurrence null for a one-off window
 * @param reason     why; may be null
 * @param createdBy  who made it
 * @param updatedAt  when it last changed
 * @param version    the optimistic-lock version
 * @param activeNow  whether it is open now
 * @param nextStart  when it opens next (now when open); null when it never will again
 */
public record MaintenanceWindow(Long id, String name, RuleScope scope, Instant startsAt, Instant endsAt, Recurrence recurrence, String reason,
                                String createdBy, Instant updatedAt, long version, boolean activeNow, Instant nextStart) {

    public MaintenanceWindow {
        scope = scope == null ? RuleScope.all() : scope;
    }
}
