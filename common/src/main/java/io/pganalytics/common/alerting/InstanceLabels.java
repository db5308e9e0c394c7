package io.pganalytics.common.alerting;

import java.util.Map;

/**
 * {@code GET|PUT /api/v1/instances/{id}/labels}: an instance's labels (at most 20; keys {@code [a-z][a-z0-9_]*}).
 *
 * @param instanceId the instance
 * @param labels     its labels
 */
public record InstanceLabels(long instanceId, Map<String, String> labels) {

    public InstanceLabels {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
