package io.pganalytics.common.alerting;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * The instances a rule (or a maintenance window) covers: those listed, or those carrying every label of {@code labels};
 * both empty = every monitored instance.
 *
 * @param instances instance ids
 * @param labels    instance labels that must all match ({@code env=prod})
 */
public record RuleScope(List<Long> instances, Map<String, String> labels) {

    public RuleScope {
        instances = instances == null ? List.of() : List.copyOf(instances);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static RuleScope all() {
        return new RuleScope(List.of(), Map.of());
    }

    /** Derived, not a field of the wire form (a strict reader would otherwise refuse the {@code all} it wrote). */
    @JsonIgnore
    public boolean isAll() {
        return instances.isEmpty() && labels.isEmpty();
    }
}
