package io.pganalytics.console.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The filters of an anomaly listing ({@code GET /api/v1/anomalies}, {@code /instances/{id}/anomalies}); a blank or
 * null one is not sent. The server bounds what it accepts and names a filter it refuses.
 *
 * @param instanceId the instance; null for the whole fleet (ignored on an instance's own listing)
 * @param severity   {@code warning} or {@code critical}
 * @param state      {@code open} or {@code closed}
 * @param series     one detection series ({@code tps})
 * @param from       anomalies that started at or after this
 * @param to         anomalies that started before this
 */
public record AnomalyQuery(Long instanceId, String severity, String state, String series, Instant from, Instant to) {
    public static final AnomalyQuery ALL = new AnomalyQuery(null, null, null, null, null, null);

    public AnomalyQuery {
        severity = blankless(severity);
        state = blankless(state);
        series = blankless(series);
    }

    private static String blankless(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The filters as query parameters, in a stable order, without the leading {@code ?} or {@code &}. */
    public String parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "instance", instanceId == null ? null : instanceId.toString());
        put(p, "severity", severity);
        put(p, "state", state);
        put(p, "series", series);
        put(p, "from", from == null ? null : from.toString());
        put(p, "to", to == null ? null : to.toString());
        return p.entrySet().stream().map(e -> e.getKey() + "=" + HttpConsoleApi.encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static void put(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }
}
