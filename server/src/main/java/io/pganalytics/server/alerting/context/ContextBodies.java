package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.EscalationLevel;
import io.pganalytics.common.alerting.EscalationPolicy;
import io.pganalytics.common.alerting.MaintenanceWindow;
import io.pganalytics.common.alerting.OnCallOverride;
import io.pganalytics.common.alerting.OnCallSchedule;
import io.pganalytics.common.alerting.Recurrence;
import io.pganalytics.common.alerting.Rotation;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.server.http.ApiException;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Request bodies: the wire records with every field optional, so that a client may send only what it sets or send back
 * what it read (server-made fields are ignored); {@code version} is required where a change is made with it.
 */
final class ContextBodies {
    private ContextBodies() {
    }

    record LabelsRequest(Long instanceId, Map<String, String> labels) {
    }

    /** A scope as sent: {@code all} (in answers, derived) is passed over. */
    record ScopeRequest(List<Long> instances, Map<String, String> labels, Boolean all) {
        RuleScope scope() {
            return new RuleScope(instances, labels);
        }
    }

    record WindowRequest(Long id, String name, ScopeRequest scope, Instant startsAt, Instant endsAt, Recurrence recurrence, String reason,
                         String createdBy, Instant updatedAt, Long version, Boolean activeNow, Instant nextStart) {
        MaintenanceWindow window(boolean versioned) {
            if (scope == null) {
                // never every instance by omission
                throw ApiException.invalid("scope", "is required: {} for every instance, {\"instances\":[1,2]} or {\"labels\":{\"env\":\"prod\"}}");
            }
            return new MaintenanceWindow(null, name, scope == null ? null : scope.scope(), startsAt, endsAt, recurrence, reason, null, null, checkedVersion(versioned, version), false, null);
        }
    }

    record ScheduleRequest(Long id, String name, String timeZone, List<Rotation> rotations, List<OnCallOverride> overrides, Long version) {
        OnCallSchedule schedule(boolean versioned) {
            return new OnCallSchedule(null, name, timeZone, rotations, List.of(), checkedVersion(versioned, version));
        }
    }

    record OverrideRequest(Long id, Long userId, Instant startsAt, Instant endsAt, String reason) {
        OnCallOverride override() {
            if (userId == null) {
                throw ApiException.invalid("userId", "is required: who is on call instead");
            }
            return new OnCallOverride(null, userId, startsAt, endsAt, reason);
        }
    }

    record ContactRequest(Long userId, String username, String email) {
    }

    record PolicyRequest(Long id, String name, List<EscalationLevel> levels, Integer repeat, Long emailReceiverId, Long version) {
        EscalationPolicy policy(boolean versioned) {
            return new EscalationPolicy(null, name, levels, repeat == null ? 0 : repeat, emailReceiverId, checkedVersion(versioned, version));
        }
    }

    private static long checkedVersion(boolean versioned, Long version) {
        if (versioned && version == null) {
            throw ApiException.invalid("version", "is required: the version read, so that a change made meanwhile is not overwritten");
        }
        return version == null ? 0 : version;
    }
}
