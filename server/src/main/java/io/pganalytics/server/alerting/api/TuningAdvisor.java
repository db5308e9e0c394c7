package io.pganalytics.server.alerting.api;

import io.pganalytics.common.alerting.AlertFeedback;
import io.pganalytics.common.alerting.AlertRule;
import io.pganalytics.common.alerting.Condition;
import io.pganalytics.common.alerting.TuningSuggestion;
import io.pganalytics.common.units.Durations;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Concrete changes that would have cut a noisy rule's noise, computed from its firings and the verdicts people gave
 * them (docs/ALERTING.md, "Feedback and tuning"):
 * <ul>
 * <li>{@code threshold}: the least threshold (three significant digits) past every noisy firing's value;</li>
 * <li>{@code for}: a {@code for} longer than most noisy firings lasted (from pending to resolved);</li>
 * <li>{@code maintenance_window}: the two hours of the week (UTC) most noisy firings fell in;</li>
 * <li>{@code sensitivity}: for anomaly-based rules, the factor feedback has moved them to and the next step.</li>
 * </ul>
 * Each is offered only when it would have cut at least half the noise; its text says what it would have kept.
 */
final class TuningAdvisor {
    /** The least noisy firings a time-based suggestion is drawn from. */
    static final int MIN_NOISY = 3;

    private TuningAdvisor() {
    }

    static List<TuningSuggestion> suggest(AlertRule rule, List<RuleRepository.Firing> firings) {
        List<RuleRepository.Firing> noisy = firings.stream().filter(f -> AlertFeedback.NOISE.equals(f.verdict())).toList();
        List<RuleRepository.Firing> useful = firings.stream().filter(f -> AlertFeedback.USEFUL.equals(f.verdict())).toList();
        List<TuningSuggestion> suggestions = new ArrayList<>();
        if (noisy.isEmpty()) {
            return suggestions;
        }
        threshold(rule, firings, noisy, useful).ifPresent(suggestions::add);
        longerFor(rule, firings, noisy, useful).ifPresent(suggestions::add);
        window(noisy, useful).ifPresent(suggestions::add);
        if (rule.condition() != null && Condition.ANOMALY.equals(rule.condition().kind())) {
            double next = Math.min(AlertService.MAX_SENSITIVITY, rule.sensitivityFactor() * AlertService.NOISE_FACTOR);
            suggestions.add(new TuningSuggestion("sensitivity", String.format(Locale.ROOT,
                    "Feedback has moved this anomaly rule's sensitivity factor to %.2f (each incident marked noise raises it x%.2f, "
                            + "each marked useful lowers it /%.1f, within [%.1f, %.1f]); another incident marked noise takes it to %.2f",
                    rule.sensitivityFactor(), AlertService.NOISE_FACTOR, AlertService.USEFUL_DIVISOR, AlertService.MIN_SENSITIVITY,
                    AlertService.MAX_SENSITIVITY, next), String.format(Locale.ROOT, "%.2f", next)));
        }
        return suggestions;
    }

    private static java.util.Optional<TuningSuggestion> threshold(AlertRule rule, List<RuleRepository.Firing> all,
                                                                  List<RuleRepository.Firing> noisy, List<RuleRepository.Firing> useful) {
        Condition condition = rule.condition();
        if (condition == null || condition.value() == null || condition.op() == null
                || !(Condition.THRESHOLD.equals(condition.kind()) || Condition.RATE_OF_CHANGE.equals(condition.kind()))) {
            return java.util.Optional.empty();
        }
        boolean above = condition.op().startsWith(">");
        if (!above && !condition.op().startsWith("<")) {
            return java.util.Optional.empty();
        }
        List<Double> noiseValues = noisy.stream().map(RuleRepository.Firing::value).filter(v -> v != null).toList();
        if (noiseValues.isEmpty()) {
            return java.util.Optional.empty();
        }
        double bound = above ? noiseValues.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                : noiseValues.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double proposed = beyond(bound, above);
        if (above ? proposed <= condition.value() : proposed >= condition.value()) {
            return java.util.Optional.empty();
        }
        long kept = all.stream().filter(f -> f.value() != null && (above ? f.value() >= proposed : f.value() <= proposed)).count();
        long keptUseful = useful.stream().filter(f -> f.value() != null && (above ? f.value() >= proposed : f.value() <= proposed)).count();
        String text = String.format(Locale.ROOT, "A threshold of %s (now %s) would have kept %d of %d firings (%d of the %d marked useful)"
                        + " and none of the %d marked noise, whose values went up to %s",
                number(proposed), number(condition.value()), kept, all.size(), keptUseful, useful.size(), noisy.size(), number(bound))
                .replace("went up to", above ? "went up to" : "went down to");
        return java.util.Optional.of(new TuningSuggestion("threshold", text, number(proposed)));
    }

    private static java.util.Optional<TuningSuggestion> longerFor(AlertRule rule, List<RuleRepository.Firing> all,
                                                                  List<RuleRepository.Firing> noisy, List<RuleRepository.Firing> useful) {
        List<Duration> held = noisy.stream().filter(f -> f.resolvedAt() != null && f.pendingSince() != null)
                .map(f -> Duration.between(f.pendingSince(), f.resolvedAt())).sorted().toList();
        if (held.size() < MIN_NOISY) {
            return java.util.Optional.empty();
        }
        // past 80 % of the noisy firings' lengths, rounded up to a whole minute
        Duration p80 = held.get(Math.min(held.size() - 1, (int) Math.ceil(held.size() * 0.8) - 1));
        Duration proposed = Duration.ofMinutes(p80.toMinutes() + 1);
        Duration current = currentFor(rule);
        if (proposed.compareTo(current) <= 0) {
            return java.util.Optional.empty();
        }
        long cut = noisy.stream().filter(f -> !lastedAtLeast(f, proposed)).count();
        if (cut * 2 < noisy.size()) {
            return java.util.Optional.empty();
        }
        long kept = all.stream().filter(f -> lastedAtLeast(f, proposed)).count();
        long keptUseful = useful.stream().filter(f -> lastedAtLeast(f, proposed)).count();
        String text = String.format(Locale.ROOT, "A for of %s (now %s) would have kept %d of %d firings (%d of the %d marked useful) and cut %d"
                        + " of the %d marked noise, which mostly held for at most %s", Durations.format(proposed), Durations.format(current),
                kept, all.size(), keptUseful, useful.size(), cut, noisy.size(), Durations.format(Duration.ofSeconds(p80.toSeconds())));
        return java.util.Optional.of(new TuningSuggestion("for", text, Durations.format(proposed)));
    }

    private static java.util.Optional<TuningSuggestion> window(List<RuleRepository.Firing> noisy, List<RuleRepository.Firing> useful) {
        if (noisy.size() < MIN_NOISY) {
            return java.util.Optional.empty();
        }
        int[] noiseByHour = new int[168];
        int[] usefulByHour = new int[168];
        noisy.forEach(f -> noiseByHour[hourOfWeek(f)]++);
        useful.forEach(f -> usefulByHour[hourOfWeek(f)]++);
        int best = -1;
        int bestCount = 0;
        for (int hour = 0; hour < 168; hour++) {
            if (noiseByHour[hour] == 0) {
                continue; // a window starts with an hour that had noise
            }
            int count = noiseByHour[hour] + noiseByHour[(hour + 1) % 168];
            if (count > bestCount) {
                best = hour;
                bestCount = count;
            }
        }
        int usefulInside = usefulByHour[best] + usefulByHour[(best + 1) % 168];
        if (bestCount * 2 < noisy.size() || bestCount < MIN_NOISY || usefulInside * 4 > bestCount) {
            return java.util.Optional.empty();
        }
        DayOfWeek day = DayOfWeek.MONDAY.plus(best / 24);
        int start = best % 24;
        String dayName = day.name().substring(0, 3);
        String proposed = String.format(Locale.ROOT, "%s %02d:00-%02d:00 UTC", dayName, start, (start + 2) % 24);
        String text = String.format(Locale.ROOT, "%d of the %d firings marked noise began on %s between %02d:00 and %02d:00 UTC (%d marked"
                        + " useful did): a weekly maintenance window then would have suppressed them", bestCount, noisy.size(),
                day.getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH), start, (start + 2) % 24, usefulInside);
        return java.util.Optional.of(new TuningSuggestion("maintenance_window", text, proposed));
    }

    /** Whether a firing's condition held at least {@code duration} (a firing not resolved yet still holds). */
    private static boolean lastedAtLeast(RuleRepository.Firing f, Duration duration) {
        return f.resolvedAt() == null || f.pendingSince() == null || Duration.between(f.pendingSince(), f.resolvedAt()).compareTo(duration) >= 0;
    }

    private static Duration currentFor(AlertRule rule) {
        try {
            return rule.forDuration() == null ? Duration.ZERO : Durations.parse(rule.forDuration());
        } catch (IllegalArgumentException e) {
            return Duration.ZERO;
        }
    }

    private static int hourOfWeek(RuleRepository.Firing f) {
        ZonedDateTime at = f.firedAt().atZone(ZoneOffset.UTC);
        return (at.getDayOfWeek().getValue() - 1) * 24 + at.getHour();
    }

    /** The number of three significant digits just past {@code bound} (above it, or below it). */
    static double beyond(double bound, boolean above) {
        if (bound == 0) {
            return above ? 0.001 : -0.001;
        }
        BigDecimal value = new BigDecimal(bound).round(new MathContext(3, above ? RoundingMode.CEILING : RoundingMode.FLOOR));
        double rounded = value.doubleValue();
        if (rounded == bound) {
            BigDecimal step = BigDecimal.ONE.movePointLeft(value.scale());
            rounded = (above ? value.add(step) : value.subtract(step)).doubleValue();
        }
        return rounded;
    }

    static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
