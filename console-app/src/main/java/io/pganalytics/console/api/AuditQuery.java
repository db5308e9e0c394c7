package io.pganalytics.console.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The filters of an audit search or export ({@code GET /api/v1/audit}, {@code /audit/export}); a blank or null one is
 * not sent. The server bounds what it accepts and names a filter it refuses.
 *
 * @param user         the actor: a user or collector name, or an id (sent as {@code actor})
 * @param action       what was done ({@code user.update}, {@code auth.login}, a method and route); {@code user.*}
 *                     matches a prefix
 * @param category     {@code api}, {@code auth}, {@code change}, {@code ingest} or {@code system}
 * @param resourceType the kind of resource acted on ({@code user}, {@code identity_provider}, {@code key})
 * @param resourceId   its id
 * @param outcome      {@code success}, {@code failure} or {@code denied}
 * @param node         the server node that wrote the record
 * @param from         records at or after this
 * @param to           records before this
 * @param text         free text, matched anywhere in the record
 */
public record AuditQuery(String user, String action, String category, String resourceType, String resourceId, String outcome,
                         String node, Instant from, Instant to, String text) {
    public static final AuditQuery ALL = new AuditQuery(null, null, null, null, null, null, null, null, null, null);

    public AuditQuery {
        user = blankless(user);
        action = blankless(action);
        category = blankless(category);
        resourceType = blankless(resourceType);
        resourceId = blankless(resourceId);
        outcome = blankless(outcome);
        node = blankless(node);
        text = blankless(text);
    }

    private static String blankless(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The filters as query parameters, in a stable order, without the leading {@code ?} or {@code &}. */
    public String parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "actor", user);
        put(p, "action", action);
        put(p, "category", category);
        put(p, "resourceType", resourceType);
        put(p, "resourceId", resourceId);
        put(p, "outcome", outcome);
        put(p, "node", node);
        put(p, "from", from == null ? null : from.toString());
        put(p, "to", to == null ? null : to.toString());
        put(p, "q", text);
        return p.entrySet().stream().map(e -> e.getKey() + "=" + HttpConsoleApi.encode(e.getValue())).collect(Collectors.joining("&"));
    }

    private static void put(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }
}
