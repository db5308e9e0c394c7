package io.pganalytics.server.alerting;

import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.PreviewFiring;
import io.pganalytics.common.alerting.RulePreview;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a rule (saved or not) would have fired over a past span (docs/ALERTING.md, "Preview"): its condition evaluated
 * on the stored history of at most {@code alerting.preview-max-instances} instances of its scope, at a step of one
 * minute (longer for spans past 7 days, at most {@link #MAX_STEPS} steps), through the same state machine as the
 * evaluator ({@code for}, staleness). Each signal is read once, one value per step.
 */
public final class RulePreviewer {
    static final int MAX_STEPS = 10_080;
    static final int MAX_FIRINGS = 500;

    private final AlertingConfig config;
    private final DataSource dataSource;
    private final SignalSource signals;
    private final InstanceDirectory directory;
    private final Conditions conditions;

    RulePreviewer(AlertingConfig config, DataSource dataSource, SignalSource signals, InstanceDirectory directory, Conditions conditions) {
        this.config = config;
        this.dataSource = dataSource;
        this.signals = signals;
        this.directory = directory;
        this.conditions = conditions;
    }

    /**
     * @throws IllegalArgumentException naming the field when the rule is not valid or the span is empty or longer than
     *                                  {@code alerting.preview-max-span}
     */
    public RulePreview preview(AlertRule rule, Instant from, Instant to) throws SQLException {
        List<String> problems = RuleChecks.problems(rule, signals);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("preview: from " + from + " is not before to " + to);
        }
        if (Duration.between(from, to).compareTo(config.previewMaxSpan()) > 0) {
            throw new IllegalArgumentException("preview: " + Duration.between(from, to).toDays() + " days is longer than "
                    + "alerting.preview-max-span (" + config.previewMaxSpan() + ")");
        }
        CompiledRule compiled = CompiledRule.of(new AlertRule(rule.id() == null ? 0L : rule.id(), rule.name(), rule.description(),
                rule.packKey(), true, rule.severity(), rule.condition(), rule.forDuration(), rule.scope(), rule.labels(), rule.summary(),
                rule.escalation(), rule.sensitivityFactor() <= 0 ? 1 : rule.sensitivityFactor(), rule.updatedBy(), rule.updatedAt(),
                rule.version()));
        List<InstanceDirectory.Instance> inScope = directory.inScope(rule.scope()).stream()
                .sorted(Comparator.comparingLong(InstanceDirectory.Instance::id)).toList();
        List<InstanceDirectory.Instance> evaluated = inScope.subList(0, Math.min(inScope.size(), config.previewMaxInstances()));
        long[] ids = evaluated.stream().mapToLong(InstanceDirectory.Instance::id).toArray();
        Duration step = Duration.ofSeconds(Math.max(60, Duration.between(from, to).toSeconds() / MAX_STEPS));
        // a value is fresh for the staleness or two steps, whichever is longer (rollups hold one value per step)
        Conditions stepped = new Conditions(max(config.staleness(), step.multipliedBy(2)), conditions.anomalyThreshold());
        Map<String, Readings.Need> needs = new HashMap<>();
        Set<Long> anomalyInstances = new HashSet<>();
        if (ids.length > 0) {
            Readings.plan(rule.condition(), stepped.staleness(), ids, needs, anomalyInstances);
        }
        Readings readings;
        try (Connection c = dataSource.getConnection()) {
            readings = Readings.read(c, signals, needs, anomalyInstances, from, to, step);
            c.rollback();
        }
        List<PreviewFiring> firings = new ArrayList<>();
        boolean truncated = evaluated.size() < inScope.size();
        for (InstanceDirectory.Instance instance : evaluated) {
            truncated |= simulate(compiled, stepped, readings, instance, from, to, step, firings);
        }
        firings.sort(Comparator.comparing(PreviewFiring::firedAt));
        if (firings.size() > MAX_FIRINGS) {
            firings = new ArrayList<>(firings.subList(0, MAX_FIRINGS));
            truncated = true;
        }
        return new RulePreview(from, to, evaluated.size(), inScope.size(), firings, truncated);
    }

    /** Steps one instance through the span; returns whether its firings were cut. */
    private static boolean simulate(CompiledRule rule, Conditions conditions, Readings readings, InstanceDirectory.Instance instance,
                                    Instant from, Instant to, Duration step, List<PreviewFiring> firings) {
        boolean lowerIsWorse = Conditions.lowerIsWorse(rule.rule().condition());
        Long pendingSince = null;
        Long firedAt = null;
        Double peak = null;
        for (long t = from.getEpochSecond() + step.toSeconds(); t <= to.getEpochSecond(); t += step.toSeconds()) {
            Verdict v = conditions.evaluate(rule.rule().condition(), rule.rule().sensitivityFactor(), readings, instance.id(), t);
            if (v.outcome() == Verdict.Outcome.TRUE) {
                if (pendingSince == null) {
                    pendingSince = t;
                }
                if (firedAt == null && t - pendingSince >= rule.forDuration().toSeconds()) {
                    firedAt = t;
                }
                if (firedAt != null && v.value() != null) {
                    peak = peak == null ? v.value() : lowerIsWorse ? Math.min(peak, v.value()) : Math.max(peak, v.value());
                }
            } else if (v.outcome() == Verdict.Outcome.FALSE) {
                if (firedAt != null) {
                    firings.add(new PreviewFiring(instance.id(), instance.name(), Instant.ofEpochSecond(firedAt), Instant.ofEpochSecond(t), peak));
                    if (firings.size() > MAX_FIRINGS) {
                        return true;
                    }
                }
                pendingSince = null;
                firedAt = null;
                peak = null;
            }
        }
        if (firedAt != null) {
            firings.add(new PreviewFiring(instance.id(), instance.name(), Instant.ofEpochSecond(firedAt), null, peak));
        }
        return false;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
