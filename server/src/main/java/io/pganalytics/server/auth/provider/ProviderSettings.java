package io.pganalytics.server.auth.provider;

import io.pganalytics.common.api.ErrorDetail;
import io.pganalytics.common.units.Durations;
import io.pganalytics.server.http.ApiException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one provider definition's settings and secrets the same way for every kind, collecting every problem instead
 * of stopping at the first, each named {@code settings.<key>} or {@code secrets.<key>}; {@link #done()} throws them
 * all at once. Settings from the configuration file arrive as text, so {@code "389"} is a number and {@code "true"}
 * a boolean wherever one is wanted. A reader that finds a problem returns its fallback, so that reading goes on.
 */
public final class ProviderSettings {
    /** Room for a PEM certificate chain; anything longer is a mistake. */
    static final int MAX_TEXT = 16_384;
    static final int MAX_LIST = 64;

    private final String kind;
    private final Map<String, Object> settings;
    private final Map<String, String> secrets;
    private final List<ErrorDetail> problems = new ArrayList<>();

    private ProviderSettings(String kind, Map<String, Object> settings, Map<String, String> secrets) {
        this.kind = kind;
        this.settings = settings;
        this.secrets = secrets;
    }

    public static ProviderSettings of(ProviderDefinition definition) {
        return new ProviderSettings(definition.kind(), definition.settings(), definition.secrets());
    }

    /** Names each setting and secret this kind does not know (a typo must not silently weaken a check). */
    public ProviderSettings refuseUnknown(Set<String> knownSettings, Set<String> knownSecrets) {
        settings.keySet().stream().filter(k -> !knownSettings.contains(k)).sorted().forEach(k -> problem(
                "settings." + abbreviate(k), "is not a setting of kind " + kind + " (known: " + sorted(knownSettings) + ")"));
        secrets.keySet().stream().filter(k -> !knownSecrets.contains(k)).sorted().forEach(k -> problem(
                "secrets." + abbreviate(k), "is not a secret of kind " + kind + " (known: " + sorted(knownSecrets) + ")"));
        return this;
    }

    /** Records a problem the kind found itself, such as two settings that contradict each other. */
    public void problem(String field, String what) {
        problems.add(new ErrorDetail(field, what));
    }

    /** @throws ApiException invalid, naming every problem found so far */
    public void done() {
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    /** The stripped text, or null when absent or blank. */
    public String text(String key) {
        return text(key, null);
    }

    /** The stripped text, or {@code fallback} when absent, blank or wrong. */
    public String text(String key, String fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            problem("settings." + key, "must be text");
            return fallback;
        }
        String text = value.toString();
        if (text.length() > MAX_TEXT) {
            problem("settings." + key, "is longer than " + MAX_TEXT + " characters");
            return fallback;
        }
        return text.isBlank() ? fallback : text.strip();
    }

    /** The text, or null with the problem "is required" when absent or blank. */
    public String required(String key) {
        Object value = settings.get(key);
        String text = text(key);
        if (text == null && (value == null || value.toString().isBlank())) {
            problem("settings." + key, "is required");
        }
        return text;
    }

    /** {@code true}/{@code false}, as a boolean or as text in any case. */
    public boolean bool(String key, boolean fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        problem("settings." + key, "must be true or false");
        return fallback;
    }

    /** A whole number from {@code min} to {@code max}, as a number or as text. */
    public int integer(String key, int fallback, int min, int max) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = value instanceof Number number && number.doubleValue() == number.longValue()
                    ? number.longValue() : Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            problem("settings." + key, "must be a whole number");
            return fallback;
        }
        if (n < min || n > max) {
            problem("settings." + key, "must be between " + min + " and " + max + ", not " + n);
            return fallback;
        }
        return (int) n;
    }

    /**
     * A duration from {@code min} to {@code max}: a number of seconds, or {@link Durations} text ({@code 500ms},
     * {@code 90s}, {@code 2m}, {@code PT15M}...).
     */
    public Duration duration(String key, Duration fallback, Duration min, Duration max) {
        Object value = settings.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        Duration d;
        try {
            d = Durations.parse(value.toString());
        } catch (IllegalArgumentException e) {
            problem("settings." + key, e.getMessage());
            return fallback;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem("settings." + key, "is " + human(d) + "; " + (min.isZero() ? "at most " + human(max)
                    : "from " + human(min) + " to " + human(max)) + " is allowed");
            return fallback;
        }
        return d;
    }

    /**
     * A list of text: a list, or one text of entries separated by commas or blanks (as the configuration file may
     * give it); at most {@value #MAX_LIST} entries, none empty.
     */
    public List<String> list(String key, List<String> fallback) {
        Object value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        Collection<?> items;
        if (value instanceof Collection<?> collection) {
            items = collection;
        } else if (value instanceof String text) {
            items = text.isBlank() ? List.of() : List.of(text.strip().split("[,\\s]+"));
        } else {
            problem("settings." + key, "must be a list or a comma-separated text");
            return fallback;
        }
        if (items.size() > MAX_LIST) {
            problem("settings." + key, "has more than " + MAX_LIST + " entries");
            return fallback;
        }
        List<String> result = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String || item instanceof Number || item instanceof Boolean) || item.toString().isBlank()) {
                problem("settings." + key, "must hold only non-empty text entries");
                return fallback;
            }
            result.add(item.toString().strip());
        }
        return List.copyOf(result);
    }

    /** The secret, or null when absent or blank. */
    public String secret(String key) {
        String value = secrets.get(key);
        return value == null || value.isBlank() ? null : value;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", values.stream().sorted().toList());
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
