package io.pganalytics.common.settings;

import java.util.Map;

/**
 * {@code PUT /api/v1/admin/settings/retention}: the levels to change, for every family ({@code defaults}) and per
 * family ({@code families}, by metric family name). Only the values given change. Shortening any retention deletes
 * data at the next retention run, so the server asks for a confirmation first (428 {@code confirmation_required}).
 */
public record RetentionUpdate(RetentionLevels defaults, Map<String, RetentionLevels> families) {
    public RetentionUpdate {
        // sorted: the body is bound to a confirmation by its JSON, which must be the same on every node
        families = java.util.Collections.unmodifiableMap(families == null ? new java.util.TreeMap<>() : new java.util.TreeMap<>(families));
    }
}
