package io.pganalytics.console.alerting;

import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.alerting.RuleScope;
import io.pganalytics.common.query.InstanceSummary;
import io.pganalytics.console.api.ApiException;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The text forms the alerting editors read and write: labels ({@code env=prod, team=db}), matchers
 * ({@code severity=critical, env=~prod.*}), durations ({@code 5m}), UTC times ({@code 2026-12-07 02:00}), scopes
 * (instance names, or labels). Each parser throws {@link IllegalArgumentException} with a sentence for the person.
 */
final class AlertingText {
    static final int MAX_LABELS = 20;
    static final int MAX_MATCHERS = 20;
    private static final Pattern LABEL_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("\\d{1,6}[smhd]");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final List<String> MATCHER_OPS = List.of("!=", "=~", "!~", "=");

    private AlertingText() {
    }

    /** {@code env=prod, team=db} -> a map in order; blank -> empty. */
    static Map<String, String> labels(String text, String what) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : parts(text)) {
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(what + ": write each label as name=value, separated by commas (\"" + part + "\" is not).");
            }
            String key = part.substring(0, eq).strip();
            if (!LABEL_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(what + ": a label name is letters, digits and _ (\"" + key + "\" is not).");
            }
            labels.put(key, part.substring(eq + 1).strip());
        }
        if (labels.size() > MAX_LABELS) {
            throw new IllegalArgumentException(what + ": at most " + MAX_LABELS + " labels.");
        }
        return labels;
    }

    static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** {@code severity=critical, env=~prod.*} -> matchers; ops {@code = != =~ !~}. */
    static List<Matcher> matchers(String text) {
        List<Matcher> matchers = new ArrayList<>();
        for (String part : parts(text)) {
            Matcher matcher = null;
            for (String op : MATCHER_OPS) {
                int at = part.indexOf(op);
                if (at > 0) {
                    matcher = new Matcher(part.substring(0, at).strip(), op, part.substring(at + op.length()).strip());
                    break;
                }
            }
            if (matcher == null || !LABEL_KEY.matcher(matcher.label()).matches()) {
                throw new IllegalArgumentException("Matchers: write each as label=value, label!=value, label=~regex or label!~regex (\""
                        + part + "\" is not).");
            }
            matchers.add(matcher);
        }
        if (matchers.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException("Matchers: at most " + MAX_MATCHERS + ".");
        }
        return matchers;
    }

    static String matchers(Collection<Matcher> matchers) {
        return matchers.stream().map(m -> m.label() + m.op() + m.value()).collect(Collectors.joining(", "));
    }

    /** {@code 5m}; blank -> {@code blankAs} (null when required). */
    static String duration(String text, String what, String blankAs) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            if (blankAs == null) {
                throw new IllegalArgumentException(what + ": give a duration such as 30s, 5m, 1h or 7d.");
            }
            return blankAs;
        }
        if (!DURATION.matcher(value).matches()) {
            throw new IllegalArgumentException(what + ": \"" + value + "\" is not a duration such as 30s, 5m, 1h or 7d.");
        }
        return value;
    }

    /** A number, or null when blank and {@code optional}. */
    static Double number(String text, String what, boolean optional) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            if (optional) {
                return null;
            }
            throw new IllegalArgumentException(what + ": give a number.");
        }
        try {
            double number = Double.parseDouble(value);
            if (!Double.isFinite(number)) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": \"" + value + "\" is not a number.");
        }
    }

    /** {@code yyyy-MM-dd HH:mm} in UTC; null when blank and {@code optional}. */
    static Instant utc(String text, String what, boolean optional) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty() && optional) {
            return null;
        }
        try {
            return LocalDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + ": give the time in UTC as yyyy-MM-dd HH:mm.");
        }
    }

    static String utc(Instant instant) {
        return instant == null ? "" : UTC.format(instant);
    }

    /** A scope from instance names (resolved against {@code known}) or labels; both blank = every instance. */
    static RuleScope scope(String instanceNames, String labels, Collection<InstanceSummary> known) {
        List<Long> ids = new ArrayList<>();
        for (String name : parts(instanceNames)) {
            InstanceSummary found = known.stream().filter(i -> i.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Scope: no monitored instance is named \"" + name + "\"."));
            ids.add(found.id());
        }
        Map<String, String> byLabel = labels(labels, "Scope labels");
        if (!ids.isEmpty() && !byLabel.isEmpty()) {
            throw new IllegalArgumentException("Scope: name instances or give labels, not both.");
        }
        return new RuleScope(ids, byLabel);
    }

    static String instanceNames(RuleScope scope, Collection<InstanceSummary> known) {
        return scope.instances().stream().map(id -> known.stream().filter(i -> i.id() == id).map(InstanceSummary::name).findFirst()
                .orElse("#" + id)).collect(Collectors.joining(", "));
    }

    /** How the lists show a scope. */
    static String describe(RuleScope scope, Collection<InstanceSummary> known) {
        if (scope.isAll()) {
            return "all instances";
        }
        if (!scope.instances().isEmpty()) {
            return instanceNames(scope, known);
        }
        return labels(scope.labels());
    }

    private static List<String> parts(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /** A failure as one sentence. */
    static String failure(String what, Throwable failure) {
        return what + " failed: " + (failure instanceof ApiException e ? e.getMessage() : String.valueOf(failure.getMessage()));
    }
}
