package io.pganalytics.server.alerting;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.units.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule language's checks (docs/ALERTING.md, "Rule language"): every problem of a rule, each naming its field
 * ({@code condition.conditions[1].window: ...}), so that the API answers one 400 with all of them and stores nothing.
 */
public final class RuleChecks {
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,199}");
    static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    static final Pattern SERIES_GLOB = Pattern.compile("[A-Za-z0-9_:.*?\\-]{1,200}");
    static final Set<String> OPS = Set.of(">", ">=", "<", "<=", "==", "!=");
    static final Set<String> SEVERITIES = Set.of(AlertRule.INFO, AlertRule.WARNING, AlertRule.CRITICAL);
    /** Labels every alert carries: a rule cannot set them. */
    static final Set<String> RESERVED_LABELS = Set.of("alertname", "instance", "instance_id", "severity", "rule_id");
    static final int MAX_PARTS = 5;
    static final int MAX_LABELS = 20;
    static final int MAX_SCOPE_INSTANCES = 1000;
    static final int MAX_SUMMARY = 2000;
    static final Duration MAX_FOR = Duration.ofDays(7);
    static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    private RuleChecks() {
    }

    /** Every problem of the rule (empty when it is valid): the fields the server reads on create and update. */
    public static List<String> problems(AlertRule rule, SignalSource signals) {
        List<String> problems = new ArrayList<>();
        if (rule.name() == null || !NAME.matcher(rule.name()).matches()) {
            problems.add("name: '" + rule.name() + "' is not a rule name (a letter, then up to 199 letters, digits or _)");
        }
        if (rule.description() != null && rule.description().length() > 2000) {
            problems.add("description: " + rule.description().length() + " characters, at most 2000");
        }
        if (rule.severity() == null || !SEVERITIES.contains(rule.severity())) {
            problems.add("severity: '" + rule.severity() + "' is not one of info, warning, critical");
        }
        if (rule.condition() == null) {
            problems.add("condition: required");
        } else {
            condition("condition", rule.condition(), signals, true, problems);
        }
        forDuration(rule.forDuration(), problems);
        scope(rule.scope(), problems);
        labels(rule.labels(), problems);
        summary(rule.summary(), problems);
        if (rule.escalation() != null) {
            escalation(rule, problems);
        }
        return problems;
    }

    /** The rule's {@code for}: a valid rule's (null or blank = 0s). */
    static Duration forDuration(AlertRule rule) {
        return rule.forDuration() == null || rule.forDuration().isBlank() ? Duration.ZERO : Durations.parse(rule.forDuration());
    }

    private static void forDuration(String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            return;
        }
        try {
            Duration d = Durations.parse(text);
            if (d.compareTo(MAX_FOR) > 0) {
                problems.add("forDuration: " + text + " is longer than 7d");
            }
        } catch (IllegalArgumentException e) {
            problems.add("forDuration: " + e.getMessage());
        }
    }

    private static void condition(String at, Condition c, SignalSource signals, boolean top, List<String> problems) {
        if (c.kind() == null) {
            problems.add(at + ".kind: required (threshold, rate_of_change, absence, anomaly, all, any)");
            return;
        }
        switch (c.kind()) {
            case Condition.THRESHOLD -> {
                signal(at, c, signals, problems);
                comparison(at, c, problems);
            }
            case Condition.RATE_OF_CHANGE -> {
                signal(at, c, signals, problems);
                comparison(at, c, problems);
                window(at, c, problems);
            }
            case Condition.ABSENCE -> {
                signal(at, c, signals, problems);
                window(at, c, problems);
            }
            case Condition.ANOMALY -> {
                if (c.series() != null && !SERIES_GLOB.matcher(c.series()).matches()) {
                    problems.add(at + ".series: '" + c.series() + "' is not a series glob (letters, digits, _ : . - and * ?)");
                }
                if (c.minSeverity() != null && !Set.of(AlertRule.WARNING, AlertRule.CRITICAL).contains(c.minSeverity())) {
                    problems.add(at + ".minSeverity: '" + c.minSeverity() + "' is not warning or critical");
                }
            }
            case Condition.ALL, Condition.ANY -> {
                if (!top) {
                    problems.add(at + ".kind: " + c.kind() + " cannot be nested in all/any (one level only)");
                    return;
                }
                if (c.conditions().isEmpty() || c.conditions().size() > MAX_PARTS) {
                    problems.add(at + ".conditions: " + c.conditions().size() + " parts, 1 to " + MAX_PARTS + " allowed");
                }
                for (int i = 0; i < Math.min(c.conditions().size(), MAX_PARTS); i++) {
                    Condition part = c.conditions().get(i);
                    if (part == null) {
                        problems.add(at + ".conditions[" + i + "]: required");
                    } else {
                        condition(at + ".conditions[" + i + "]", part, signals, false, problems);
                    }
                }
            }
            default -> problems.add(at + ".kind: '" + c.kind() + "' is not one of threshold, rate_of_change, absence, anomaly, all, any");
        }
    }

    private static void signal(String at, Condition c, SignalSource signals, List<String> problems) {
        if (c.signal() == null || c.signal().isBlank()) {
            problems.add(at + ".signal: required (see GET /api/v1/rules/signals)");
        } else if (!signals.knows(c.signal())) {
            problems.add(at + ".signal: '" + c.signal() + "' is not a signal (see GET /api/v1/rules/signals)");
        }
    }

    private static void comparison(String at, Condition c, List<String> problems) {
        if (c.op() == null || !OPS.contains(c.op())) {
            problems.add(at + ".op: '" + c.op() + "' is not one of > >= < <= == !=");
        }
        if (c.value() == null || !Double.isFinite(c.value())) {
            problems.add(at + ".value: a finite number is required");
        }
    }

    private static void window(String at, Condition c, List<String> problems) {
        try {
            Duration d = Durations.parse(c.window());
            if (d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) {
                problems.add(at + ".window: " + c.window() + " is not between 1m and 7d");
            }
        } catch (IllegalArgumentException e) {
            problems.add(at + ".window: " + e.getMessage());
        }
    }

    private static void scope(RuleScope scope, List<String> problems) {
        if (!scope.instances().isEmpty() && !scope.labels().isEmpty()) {
            problems.add("scope: either instances or labels, not both");
        }
        if (scope.instances().size() > MAX_SCOPE_INSTANCES) {
            problems.add("scope.instances: " + scope.instances().size() + " instances, at most " + MAX_SCOPE_INSTANCES);
        }
        if (scope.instances().stream().anyMatch(id -> id == null || id <= 0)) {
            problems.add("scope.instances: instance ids are positive numbers");
        }
        labelMap("scope.labels", scope.labels(), false, problems);
    }

    private static void labels(Map<String, String> labels, List<String> problems) {
        labelMap("labels", labels, true, problems);
    }

    private static void labelMap(String at, Map<String, String> labels, boolean reserved, List<String> problems) {
        if (labels.size() > MAX_LABELS) {
            problems.add(at + ": " + labels.size() + " labels, at most " + MAX_LABELS);
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches()) {
                problems.add(at + ": '" + key + "' is not a label name (a lower-case letter, then up to 62 of a-z 0-9 _)");
            } else if (reserved && RESERVED_LABELS.contains(key)) {
                problems.add(at + "." + key + ": set by the server on every alert, a rule cannot set it");
            }
            if (value == null || value.isEmpty() || value.length() > 200) {
                problems.add(at + "." + key + ": a value of 1 to 200 characters is required");
            }
        });
    }

    private static void summary(String summary, List<String> problems) {
        if (summary == null || summary.isBlank()) {
            problems.add("summary: required (a Mustache template, e.g. {{instance}}: {{value}} connections)");
            return;
        }
        if (summary.length() > MAX_SUMMARY) {
            problems.add("summary: " + summary.length() + " characters, at most " + MAX_SUMMARY);
            return;
        }
        try {
            Summaries.compile(summary);
        } catch (MustacheException e) {
            problems.add("summary: not a valid template: " + e.getMessage());
        }
    }

    private static void escalation(AlertRule rule, List<String> problems) {
        Escalation e = rule.escalation();
        if (e.to() == null || !SEVERITIES.contains(e.to())) {
            problems.add("escalation.to: '" + e.to() + "' is not one of info, warning, critical");
        } else if (rule.severity() != null && SEVERITIES.contains(rule.severity())
                && Severities.rank(e.to()) <= Severities.rank(rule.severity())) {
            problems.add("escalation.to: " + e.to() + " is not above the rule's severity " + rule.severity());
        }
        if (e.after() == null && e.above() == null) {
            problems.add("escalation: after or above is required");
        }
        if (e.after() != null) {
            try {
                Duration d = Durations.parse(e.after());
                if (d.isZero() || d.compareTo(MAX_WINDOW) > 0) {
                    problems.add("escalation.after: " + e.after() + " is not between 1s and 7d");
                }
            } catch (IllegalArgumentException ex) {
                problems.add("escalation.after: " + ex.getMessage());
            }
        }
        if (e.above() != null) {
            if (!Double.isFinite(e.above())) {
                problems.add("escalation.above: a finite number is required");
            }
            Condition c = rule.condition();
            if (c != null && !Condition.THRESHOLD.equals(c.kind()) && !Condition.RATE_OF_CHANGE.equals(c.kind())) {
                problems.add("escalation.above: only for threshold and rate_of_change conditions (their value is compared)");
            }
        }
    }
}
