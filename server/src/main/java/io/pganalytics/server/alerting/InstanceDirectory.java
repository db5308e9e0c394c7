package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.RuleScope;

import java.util.Collection;
import java.util.Map;

/**
 * The monitored instances with their labels, as rules, maintenance windows and routes see them (server.alerting.context:
 * cached on each node, true within seconds of a change on any node).
 */
public interface InstanceDirectory {

    /** A monitored instance. */
    record Instance(long id, String name, Map<String, String> labels) {
        public Instance {
            labels = Map.copyOf(labels);
        }
    }

    /** Every monitored instance by id. */
    Map<Long, Instance> instances();

    /** The instances of a scope: those listed that exist, or those carrying all its labels, or all. */
    default Collection<Instance> inScope(RuleScope scope) {
        Map<Long, Instance> all = instances();
        if (scope.isAll()) {
            return all.values();
        }
        if (!scope.instances().isEmpty()) {
            return scope.instances().stream().map(all::get).filter(java.util.Objects::nonNull).toList();
        }
        return all.values().stream()
                .filter(instance -> scope.labels().entrySet().stream()
                        .allMatch(label -> label.getValue().equals(instance.labels().get(label.getKey()))))
                .toList();
    }
}
