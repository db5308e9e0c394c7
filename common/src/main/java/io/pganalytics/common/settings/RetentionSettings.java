package io.pganalytics.common.settings;

import java.util.Map;

/**
 * {@code GET /api/v1/admin/settings/retention}: the retention the next retention run applies, on every node.
 *
 * @param defaults the levels for every family that does not set its own
 * @param families every metric family with a table of its own, by name, with its effective levels
 */
public record RetentionSettings(RetentionValues defaults, Map<String, RetentionValues> families) {
    public RetentionSettings {
        families = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(families));
    }
}
