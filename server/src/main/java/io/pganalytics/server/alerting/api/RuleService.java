package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.RuleEffectiveness;
import io.pganalytics.common.alerting.RulePreview;
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
import java.util.stream.Collectors;

/**
 * What the rule routes do, without HTTP: rules checked (the rule language's checks, {@code RuleChecks}) and stored with an audit record in one transaction; previews bounded by {@code alerting.preview-*}; per-rule
 * effectiveness over a window with {@link TuningAdvisor}'s suggestions for the flagged rules.
 */
final class RuleService {

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

    /** Checks a rule with the rule language's checks: every problem in one 400 naming its field. Returns its {@code for}. */
    Duration check(AlertRule rule) {
        List<ErrorDetail> problems = engine.problems(rule);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return rule.forDuration() == null || rule.forDuration().isBlank() ? Duration.ZERO : Durations.parse(rule.forDuration());
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
