package io.pganalytics.server.alerting.notify;

import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.common.api.ErrorDetail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Alertmanager's label matchers: {@code =}, {@code !=}, {@code =~} and {@code !~} (a regular expression matching the whole
 * value); a label an incident does not carry has the empty value.
 */
final class LabelMatchers {
    static final int MAX_MATCHERS = 20;
    static final int MAX_VALUE = 500;
    static final Set<String> OPS = Set.of("=", "!=", "=~", "!~");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private LabelMatchers() {
    }

    static boolean matches(List<Matcher> matchers, Map<String, String> labels) {
        for (Matcher matcher : matchers) {
            if (!matches(matcher, labels.getOrDefault(matcher.label(), ""))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Matcher matcher, String value) {
        return switch (matcher.op()) {
            case "=" -> value.equals(matcher.value());
            case "!=" -> !value.equals(matcher.value());
            case "=~" -> Pattern.compile(matcher.value()).matcher(value).matches();
            case "!~" -> !Pattern.compile(matcher.value()).matcher(value).matches();
            default -> throw new IllegalArgumentException("matcher op " + matcher.op());
        };
    }

    /** What is wrong with a list of matchers, each problem naming {@code field[i]}. */
    static List<ErrorDetail> problems(String field, List<Matcher> matchers) {
        List<ErrorDetail> problems = new ArrayList<>();
        if (matchers.size() > MAX_MATCHERS) {
            problems.add(new ErrorDetail(field, "must have at most " + MAX_MATCHERS + " matchers"));
            return problems;
        }
        for (int i = 0; i < matchers.size(); i++) {
            Matcher matcher = matchers.get(i);
            String at = field + "[" + i + "]";
            if (matcher == null) {
                problems.add(new ErrorDetail(at, "must not be null"));
                continue;
            }
            if (matcher.label() == null || !LABEL.matcher(matcher.label()).matches()) {
                problems.add(new ErrorDetail(at + ".label", "must be a label name (letters, digits and _, at most 63)"));
            }
            if (matcher.op() == null || !OPS.contains(matcher.op())) {
                problems.add(new ErrorDetail(at + ".op", "must be one of =, !=, =~, !~"));
            }
            if (matcher.value() == null || matcher.value().length() > MAX_VALUE) {
                problems.add(new ErrorDetail(at + ".value", "is required, at most " + MAX_VALUE + " characters"));
            } else if (("=~".equals(matcher.op()) || "!~".equals(matcher.op()))) {
                try {
                    Pattern.compile(matcher.value());
                } catch (PatternSyntaxException e) {
                    problems.add(new ErrorDetail(at + ".value", "is not a regular expression: " + e.getDescription()));
                }
            }
        }
        return problems;
    }
}
