package io.pganalytics.server.alerting.context;

import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.RequestParameters;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The checks of instance labels and label scopes (the same rules as the {@code instance_label} table's). */
final class Labels {
    static final int MAX_LABELS = 20;
    static final int MAX_VALUE = 200;
    static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Labels every alert carries already: an instance label of that name would be shadowed or shadow it. */
    static final Set<String> RESERVED = Set.of("alertname", "instance", "instance_id", "severity", "rule_id");

    private Labels() {
    }

    /**
     * The labels checked, sorted by key.
     *
     * @throws ApiException 400 naming the label
     */
    static Map<String, String> checked(String field, Map<String, String> labels) {
        Map<String, String> sorted = new TreeMap<>();
        if (labels == null) {
            return sorted;
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiException.invalid(field, "at most " + MAX_LABELS + " labels, was " + labels.size());
        }
        labels.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw ApiException.invalid(field, "label '" + RequestParameters.abbreviate(key)
                        + "': a key is a lower-case letter then lower-case letters, digits or _ (at most 63)");
            }
            if (RESERVED.contains(key)) {
                throw ApiException.invalid(field + "." + key, "is a label every alert has already (" + String.join(", ", new java.util.TreeSet<>(RESERVED))
                        + "): choose another key");
            }
            String v = value == null ? "" : value.strip();
            if (v.isEmpty() || v.length() > MAX_VALUE) {
                throw ApiException.invalid(field + "." + key, "the value must be 1 to " + MAX_VALUE + " characters, was " + v.length());
            }
            if (RequestParameters.hasControlCharacter(v)) {
                throw ApiException.invalid(field + "." + key, "must not contain control characters");
            }
            sorted.put(key, v);
        });
        return sorted;
    }
}
