package io.pganalytics.server.alerting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** An alert's identity and labels (docs/ALERTING.md, "Alerts"). */
final class Fingerprints {
    private Fingerprints() {
    }

    /**
     * The labels of an alert: the rule's, then the instance's, then {@code alertname}, {@code instance},
     * {@code instance_id}, {@code severity} and {@code rule_id} (which nothing overrides).
     */
    static Map<String, String> labels(CompiledRule rule, InstanceDirectory.Instance instance, String severity) {
        Map<String, String> labels = new HashMap<>(rule.rule().labels());
        labels.putAll(instance.labels());
        labels.put("alertname", rule.rule().name());
        labels.put("instance", instance.name());
        labels.put("instance_id", Long.toString(instance.id()));
        labels.put("severity", severity);
        labels.put("rule_id", Long.toString(rule.id()));
        return labels;
    }

    /** SHA-256 hex of the rule id and the sorted labels without {@code severity} (an escalation keeps the alert). */
    static String of(long ruleId, Map<String, String> labels) {
        StringBuilder text = new StringBuilder().append(ruleId).append('\n');
        new TreeMap<>(labels).forEach((k, v) -> {
            if (!"severity".equals(k)) {
                text.append(k).append('=').append(v).append('\n');
            }
        });
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
