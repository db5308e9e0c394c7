package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.Escalation;
import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.RulePreview;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.alerting.SignalInfo;
import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.alerting.AlertingConfig;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.http.ApiException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the rule routes do, without HTTP: rules checked (their structure here, their condition by the engine) and
 * stored with an audit record in one transaction; previews bounded by {@code alerting.preview-*}; per-rule
 * effectiveness over a window with {@link TuningAdvisor}'s suggestions for the flagged rules.
 */
final class RuleService {
    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,199}");
    static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,62}");
    static final Pattern SCOPE_LABEL = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    static final List<String> SEVERITIES = List.of(AlertRule.INFO, AlertRule.WARNING, AlertRule.CRITICAL);
    static final List<String> KINDS = List.of(Condition.THRESHOLD, Condition.RATE_OF_CHANGE, Condition.ABSENCE, Condition.ANOMALY,
            Condition.ALL, Condition.ANY);
    static final int MAX_LABELS = 20;
    static final int MAX_LABEL_VALUE = 200;
    static final int MAX_SUMMARY = 2000;
    static final int MAX_DESCRIPTION = 2000;
    static final int MAX_SCOPE_INSTANCES = 1000;
    static final int MAX_PARTS = 5;
    static final Duration MAX_FOR = Duration.ofDays(7);

    private final Db db;
    private final RuleRepository repository;
    private final RuleEngine engine;
    private final AlertingConfig config;
    private final AuditLog audit;
    private final Clock clock;

    RuleService(Db db, RuleRepository repository, RuleEngine engine, AlertingConfig config, AuditLog audit, Clock clock) {
        this.db = db;
        this.repository = repository;
        this.engine = engine;
        this.config = config;
        this.audit = audit;
        this.clock = clock;
    }

    List<AlertRule> list() {
        return repository.list(config.maxRules());
    }

    AlertRule find(long id) {
        return repository.find(id).orElseThrow(() -> ApiException.notFound("no rule " + id));
    }

    List<SignalInfo> signals() {
        return engine.signals();
    }

    AlertRule create(AlertRule rule, String by, AuditEvent.Actor actor) {
        Duration forDuration = check(rule);
        String who = AlertService.name(by);
        return db.write("creating rule " + rule.name(), c -> {
            if (repository.count(c) >= config.maxRules()) {
                throw ApiException.conflict("the server holds its maximum of " + config.maxRules()
                        + " rules (alerting.max-rules): delete one first");
            }
            long id = repository.insert(c, rule, forDuration, who, clock.instant());
            AlertRule created = repository.find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change("alert-rule.create", "alert_rule", Long.toString(id)).actor(actor)
                    .change(Map.of(), auditable(created)));
            return created;
        });
    }

    /** Updates a rule at the version the client read; 409 when another change came first. */
    AlertRule update(long id, AlertRule rule, Long version, String by, AuditEvent.Actor actor) {
        if (version == null) {
            throw ApiException.invalid("version", "is required: send the version of the rule as you read it");
        }
        Duration forDuration = check(rule);
        return db.write("updating rule " + id, c -> {
            AlertRule before = repository.find(c, id).orElseThrow(() -> ApiException.notFound("no rule " + id));
            if (!repository.update(c, id, rule, forDuration, version, AlertService.name(by), clock.instant())) {
                throw ApiException.conflict("rule " + id + " was changed by " + before.updatedBy() + " at " + before.updatedAt()
                        + " (version " + before.version() + ", yours " + version + "): read it again and repeat your change");
            }
            AlertRule after = repository.find(c, id).orElseThrow();
            audit.append(c, AuditEvent.change("alert-rule.update", "alert_rule", Long.toString(id)).actor(actor)
                    .change(auditable(before), auditable(after)));
            return after;
        });
    }

    /** One sentence for the confirmation of a deletion; 404 when there is no such rule. */
    String deletionSummary(long id) {
        AlertRule rule = find(id);
        if (rule.packKey() != null) {
            return "Disable rule " + rule.name() + " of the default pack (pack rules are kept disabled, not deleted, so that an"
                    + " upgrade does not bring them back).";
        }
        return "Delete rule " + rule.name() + " with its " + repository.alertCount(id) + " alert(s) and their history.";
    }

    /** Deletes a rule (its alerts go with it); a default-pack rule is disabled instead. */
    void delete(long id, String by, AuditEvent.Actor actor) {
        db.write("deleting rule " + id, c -> {
            AlertRule before = repository.find(c, id).orElseThrow(() -> ApiException.notFound("no rule " + id));
            if (before.packKey() != null) {
                repository.disable(c, id, AlertService.name(by), clock.instant());
                audit.append(c, AuditEvent.change("alert-rule.disable", "alert_rule", Long.toString(id)).actor(actor)
                        .change(Map.of("enabled", before.enabled()), Map.of("enabled", false)));
            } else {
                repository.delete(c, id);
                audit.append(c, AuditEvent.change("alert-rule.delete", "alert_rule", Long.toString(id)).actor(actor)
                        .change(auditable(before), Map.of()));
            }
            return null;
        });
    }

    /** What a rule would have fired over the last {@code days} days, bounded by {@code alerting.preview-max-span}. */
    RulePreview preview(AlertRule rule, int days) {
        check(rule);
        Duration span = Duration.ofDays(days);
        if (span.compareTo(config.previewMaxSpan()) > 0) {
            throw ApiException.invalid("days", "must be at most " + config.previewMaxSpan().toDays()
                    + " (alerting.preview-max-span), was " + days);
        }
        Instant to = clock.instant();
        return engine.preview(rule, to.minus(span), to);
    }

    /** Each rule's figures over the last {@code days} days, flagged and with suggestions above the noise threshold. */
    List<RuleEffectiveness> effectiveness(int days) {
        Instant since = clock.instant().minus(Duration.ofDays(days));
        Map<Long, List<RuleRepository.Firing>> firings = repository.firings(since).stream()
                .collect(Collectors.groupingBy(RuleRepository.Firing::ruleId, LinkedHashMap::new, Collectors.toList()));
        Map<Long, Integer> sent = repository.notificationsSent(since);
        List<RuleEffectiveness> result = new ArrayList<>();
        for (AlertRule rule : list()) {
            List<RuleRepository.Firing> own = firings.getOrDefault(rule.id(), List.of());
            int useful = (int) own.stream().filter(f -> AlertFeedback.USEFUL.equals(f.verdict())).count();
            int noise = (int) own.stream().filter(f -> AlertFeedback.NOISE.equals(f.verdict())).count();
            Double share = useful + noise == 0 ? null : (double) noise / (useful + noise);
            boolean flagged = share != null && share * 100 > config.noiseThresholdPercent();
            OptionalDouble tta = own.stream().filter(f -> f.acknowledgedAt() != null && !f.acknowledgedAt().isBefore(f.firedAt()))
                    .mapToDouble(f -> Duration.between(f.firedAt(), f.acknowledgedAt()).toMillis() / 1000.0).average();
            OptionalDouble ttr = own.stream().filter(f -> f.resolvedAt() != null)
                    .mapToDouble(f -> Duration.between(f.firedAt(), f.resolvedAt()).toMillis() / 1000.0).average();
            result.add(new RuleEffectiveness(rule.id(), rule.name(), own.size(), sent.getOrDefault(rule.id(), 0), useful, noise, share,
                    tta.isPresent() ? tta.getAsDouble() : null, ttr.isPresent() ? ttr.getAsDouble() : null, flagged,
                    flagged ? TuningAdvisor.suggest(rule, own) : List.of()));
        }
        return result;
    }

    /** Checks a rule's structure and its condition (the engine's checks); every problem in one 400. Returns its {@code for}. */
    Duration check(AlertRule rule) {
        List<ErrorDetail> problems = new ArrayList<>();
        if (rule.name() == null || !NAME.matcher(rule.name()).matches()) {
            problems.add(new ErrorDetail("name", "must be a letter, then at most 199 letters, digits and _ (ConnectionSaturation)"));
        }
        if (rule.description() != null && rule.description().length() > MAX_DESCRIPTION) {
            problems.add(new ErrorDetail("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
        if (rule.severity() == null || !SEVERITIES.contains(rule.severity())) {
            problems.add(new ErrorDetail("severity", "must be one of " + SEVERITIES));
        }
        if (rule.summary() == null || rule.summary().isBlank() || rule.summary().length() > MAX_SUMMARY) {
            problems.add(new ErrorDetail("summary", "is required, at most " + MAX_SUMMARY + " characters"));
        }
        Duration forDuration = duration(rule.forDuration() == null ? "0s" : rule.forDuration(), "forDuration", MAX_FOR, problems);
        condition(rule.condition(), "condition", true, problems);
        scope(rule.scope(), problems);
        labels(rule.labels(), problems);
        escalation(rule.escalation(), problems);
        if (problems.isEmpty()) {
            problems.addAll(engine.problems(rule));
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return forDuration;
    }

    private static void condition(Condition condition, String field, boolean top, List<ErrorDetail> problems) {
        if (condition == null) {
            problems.add(new ErrorDetail(field, "is required"));
            return;
        }
        if (condition.kind() == null || !KINDS.contains(condition.kind())) {
            problems.add(new ErrorDetail(field + ".kind", "must be one of " + KINDS));
            return;
        }
        boolean compound = condition.kind().equals(Condition.ALL) || condition.kind().equals(Condition.ANY);
        if (compound) {
            if (!top) {
                problems.add(new ErrorDetail(field + ".kind", "all/any may not be nested beyond one level"));
            } else if (condition.conditions().isEmpty() || condition.conditions().size() > MAX_PARTS) {
                problems.add(new ErrorDetail(field + ".conditions", "must hold 1 to " + MAX_PARTS + " conditions"));
            } else {
                for (int i = 0; i < condition.conditions().size(); i++) {
                    condition(condition.conditions().get(i), field + ".conditions[" + i + "]", false, problems);
                }
            }
            return;
        }
        if (!condition.conditions().isEmpty()) {
            problems.add(new ErrorDetail(field + ".conditions", "only all and any have parts"));
        }
        if (!condition.kind().equals(Condition.ANOMALY) && (condition.signal() == null || condition.signal().isBlank())) {
            problems.add(new ErrorDetail(field + ".signal", "is required for " + condition.kind() + " (see GET /api/v1/rules/signals)"));
        }
        if (condition.kind().equals(Condition.THRESHOLD) || condition.kind().equals(Condition.RATE_OF_CHANGE)) {
            if (condition.op() == null || !List.of(">", ">=", "<", "<=", "==", "!=").contains(condition.op())) {
                problems.add(new ErrorDetail(field + ".op", "must be one of > >= < <= == !="));
            }
            if (condition.value() == null || !Double.isFinite(condition.value())) {
                problems.add(new ErrorDetail(field + ".value", "is required: a finite number"));
            }
        }
        if (condition.kind().equals(Condition.RATE_OF_CHANGE) || condition.kind().equals(Condition.ABSENCE)) {
            if (condition.window() == null) {
                problems.add(new ErrorDetail(field + ".window", "is required for " + condition.kind() + " (15m, 1h)"));
            } else {
                duration(condition.window(), field + ".window", Duration.ofDays(7), problems);
            }
        }
        if (condition.kind().equals(Condition.ANOMALY) && condition.minSeverity() != null
                && !List.of(AlertRule.WARNING, AlertRule.CRITICAL).contains(condition.minSeverity())) {
            problems.add(new ErrorDetail(field + ".minSeverity", "must be warning or critical"));
        }
    }

    private static void scope(RuleScope scope, List<ErrorDetail> problems) {
        if (scope.instances().size() > MAX_SCOPE_INSTANCES || scope.instances().stream().anyMatch(id -> id == null || id < 1)) {
            problems.add(new ErrorDetail("scope.instances", "must hold at most " + MAX_SCOPE_INSTANCES + " positive instance ids"));
        }
        if (!scope.instances().isEmpty() && !scope.labels().isEmpty()) {
            problems.add(new ErrorDetail("scope", "names instances or labels, not both"));
        }
        if (scope.labels().size() > MAX_LABELS || scope.labels().entrySet().stream().anyMatch(e -> !SCOPE_LABEL.matcher(e.getKey()).matches()
                || e.getValue() == null || e.getValue().isEmpty() || e.getValue().length() > MAX_LABEL_VALUE)) {
            problems.add(new ErrorDetail("scope.labels", "must hold at most " + MAX_LABELS + " instance labels (lower-case names, values of"
                    + " 1 to " + MAX_LABEL_VALUE + " characters)"));
        }
    }

    private static void labels(Map<String, String> labels, List<ErrorDetail> problems) {
        if (labels.size() > MAX_LABELS) {
            problems.add(new ErrorDetail("labels", "must hold at most " + MAX_LABELS + " labels, held " + labels.size()));
            return;
        }
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            if (!LABEL.matcher(label.getKey()).matches()) {
                problems.add(new ErrorDetail("labels." + label.getKey(), "a label name is a letter or _, then letters, digits and _"));
            } else if (List.of("alertname", "instance", "instance_id", "severity", "rule_id").contains(label.getKey())) {
                problems.add(new ErrorDetail("labels." + label.getKey(), "is set by the server on every alert"));
            } else if (label.getValue() == null || label.getValue().isEmpty() || label.getValue().length() > MAX_LABEL_VALUE) {
                problems.add(new ErrorDetail("labels." + label.getKey(), "must be 1 to " + MAX_LABEL_VALUE + " characters"));
            }
        }
    }

    private static void escalation(Escalation escalation, List<ErrorDetail> problems) {
        if (escalation == null) {
            return;
        }
        if (escalation.after() == null && escalation.above() == null) {
            problems.add(new ErrorDetail("escalation", "needs after, above or both"));
        }
        if (escalation.after() != null) {
            duration(escalation.after(), "escalation.after", MAX_FOR, problems);
        }
        if (escalation.above() != null && !Double.isFinite(escalation.above())) {
            problems.add(new ErrorDetail("escalation.above", "must be a finite number"));
        }
        if (escalation.to() == null || !SEVERITIES.contains(escalation.to())) {
            problems.add(new ErrorDetail("escalation.to", "must be one of " + SEVERITIES));
        }
    }

    private static Duration duration(String text, String field, Duration max, List<ErrorDetail> problems) {
        try {
            Duration duration = Durations.parse(text);
            if (duration.compareTo(max) > 0) {
                problems.add(new ErrorDetail(field, "must be at most " + Durations.format(max) + ", was " + text));
                return Duration.ZERO;
            }
            return duration;
        } catch (IllegalArgumentException e) {
            problems.add(new ErrorDetail(field, e.getMessage()));
            return Duration.ZERO;
        }
    }

    /** The parts of a rule an audit record shows, before and after a change. */
    private Map<String, Object> auditable(AlertRule rule) {
        Map<String, Object> map = new TreeMap<>();
        map.put("name", rule.name());
        map.put("enabled", rule.enabled());
        map.put("severity", rule.severity());
        map.put("condition", repository.json(rule.condition()));
        map.put("forDuration", rule.forDuration());
        map.put("scope", repository.json(RuleRepository.StoredScope.of(rule.scope())));
        map.put("labels", repository.json(rule.labels()));
        map.put("summary", rule.summary());
        map.put("escalation", rule.escalation() == null ? "none" : repository.json(rule.escalation()));
        return map;
    }
}
