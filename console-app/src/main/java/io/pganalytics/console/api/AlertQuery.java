package io.pganalytics.console.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The filters of an alert listing ({@code GET /api/v1/alerts}) or, without severity and rule, of an incident listing
 * ({@code GET /api/v1/incidents}); a blank or null one is not sent. The server bounds what it accepts and names a
 * filter it refuses.
 *
 * @param state      alerts: {@code pending}, {@code firing} or {@code resolved}; incidents: {@code open},
 *                   {@code acknowledged} or {@code resolved}
 * @param severity   {@code info}, {@code warning} or {@code critical} (alerts only)
 * @param instanceId the instance; null for the whole fleet
 * @param ruleId     the rule (alerts only)
 * @param from       what began at or after this
 * @param to         what began before this
 */
public record AlertQuery(String state, String severity, Long instanceId, Long ruleId, Instant from, Instant to) {
    public static final AlertQuery ALL = new AlertQuery(null, null, null, null, null, null);

    public AlertQuery {
        state = blankless(state);
        severity = blankless(severity);
    }

    /** Alerts in {@code state}, the rest unfiltered. */
    public static AlertQuery inState(String state) {
        return new AlertQuery(state, null, null, null, null, null);
    }

    private static String blankless(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The alert filters as query parameters, in a stable order, without the leading {@code ?} or {@code &}. */
    public String alertParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "state", state);
        put(p, "severity", severity);
        put(p, "instance", instanceId == null ? null : instanceId.toString());
        put(p, "rule", ruleId == null ? null : ruleId.toString());
        put(p, "from", from == null ? null : from.toString());
        put(p, "to", to == null ? null : to.toString());
        return join(p);
    }

    /** The incident filters (state, instance, from, to) as query parameters. */
    public String incidentParameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "state", state);
        put(p, "instance", instanceId == null ? null : instanceId.toString());
        put(p, "from", from == null ? null : from.toString());
        put(p, "to", to == null ? null : to.toString());
        return join(p);
    }

    private static String join(Map<String, String> p) {
        return p.entrySet().stream().map(e -> e.getKey() + "=" + HttpConsoleApi.encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static void put(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }
}
