package io.pganalytics.server.alerting.context;

import io.pganalytics.common.alerting.Matcher;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Label matchers as Alertmanager has them: {@code =}, {@code !=}, {@code =~} and {@code !~}, a regular expression
 * matching the whole value, a missing label reading as the empty value. {@link #compile} checks a list (400 naming the
 * matcher) and returns a predicate over label sets.
 */
final class Matchers {
    static final int MAX_MATCHERS = 20;
    static final int MAX_VALUE = 200;
    static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    static final List<String> OPS = List.of("=", "!=", "=~", "!~");

    private Matchers() {
    }

    /** One matcher, compiled. */
    private record Compiled(String label, String op, String value, Pattern pattern) implements Predicate<Map<String, String>> {
        @Override
        public boolean test(Map<String, String> labels) {
            String actual = Objects.requireNonNullElse(labels.get(label), "");
            return switch (op) {
                case "=" -> actual.equals(value);
                case "!=" -> !actual.equals(value);
                case "=~" -> pattern.matcher(actual).matches();
                default -> !pattern.matcher(actual).matches();
            };
        }
    }

    /**
     * The matchers checked and compiled into one predicate (all must match).
     *
     * @param field the request's field, named in errors ({@code matchers})
     * @throws ApiException 400 naming the matcher and what is wrong with it
     */
    static Predicate<Map<String, String>> compile(String field, List<Matcher> matchers) {
        if (matchers == null || matchers.isEmpty()) {
            throw ApiException.invalid(field, "at least one matcher is required, such as {\"label\":\"instance\",\"op\":\"=\",\"value\":\"db1\"}");
        }
        if (matchers.size() > MAX_MATCHERS) {
            throw ApiException.invalid(field, "at most " + MAX_MATCHERS + " matchers, was " + matchers.size());
        }
        List<Compiled> compiled = new ArrayList<>();
        for (int i = 0; i < matchers.size(); i++) {
            compiled.add(compile(field + "[" + i + "]", matchers.get(i)));
        }
        List<Compiled> all = List.copyOf(compiled);
        return labels -> {
            for (Compiled matcher : all) {
                if (!matcher.test(labels)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Whether every matcher also matches an alert without any label: such a list would match every alert. */
    static boolean matchesEverything(List<Matcher> matchers) {
        return compile("matchers", matchers).test(Map.of());
    }

    private static Compiled compile(String field, Matcher matcher) {
        if (matcher == null) {
            throw ApiException.invalid(field, "is null: a matcher is {\"label\":..., \"op\":\"=\", \"value\":...}");
        }
        if (matcher.label() == null || !LABEL_NAME.matcher(matcher.label()).matches()) {
            throw ApiException.invalid(field + ".label", "must be a label name ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), was '"
                    + RequestParameters.abbreviate(matcher.label()) + "'");
        }
        if (!OPS.contains(matcher.op())) {
            throw ApiException.invalid(field + ".op", "must be =, !=, =~ or !~, was '" + RequestParameters.abbreviate(matcher.op()) + "'");
        }
        String value = matcher.value() == null ? "" : matcher.value();
        if (value.length() > MAX_VALUE) {
            throw ApiException.invalid(field + ".value", "at most " + MAX_VALUE + " characters, was " + value.length());
        }
        if (RequestParameters.hasControlCharacter(value)) {
            throw ApiException.invalid(field + ".value", "must not contain control characters");
        }
        Pattern pattern = null;
        if (matcher.op().endsWith("~")) {
            try {
                pattern = Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw ApiException.invalid(field + ".value", "is not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
            }
        }
        return new Compiled(matcher.label(), matcher.op(), value, pattern);
    }
}
