package io.pganalytics.server.audit;

import io.pganalytics.common.auth.Role;
import io.pganalytics.server.http.Caller;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one audit record will say, before the log gives it its place in the chain. Build one with {@link #api},
 * {@link #auth}, {@link #change}, {@link #ingest} or {@link #system}, add what applies, and hand it to {@link AuditLog}.
 * <p>
 * Text is bounded and cleaned when the record is written ({@link AuditText}): a 10 MB user agent or a control
 * character cannot reach the table as it came. Secrets never go in: put {@link #MASKED} where a secret changed.
 * Personal data (names, addresses, e-mail) goes only in {@link Actor} and {@link #personalChange}, which are sealed
 * with the person's own key so that an erasure request can make them unreadable without breaking the chain.
 */
public final class AuditEvent {
    /** What a secret's value is recorded as, before and after. */
    public static final String MASKED = "***";

    public enum Category { API, AUTH, CHANGE, INGEST, SYSTEM }

    public enum Outcome { SUCCESS, FAILURE, DENIED }

    /**
     * Who did it.
     *
     * @param kind      user, collector, system or anonymous
     * @param id        the user's or collector's id (not personal by itself: a pseudonym once the person is erased)
     * @param name      the user or collector name (personal for users)
     * @param roles     a person's roles
     * @param address   the client address the server trusts (personal)
     * @param userAgent the client's User-Agent (personal)
     */
    public record Actor(String kind, String id, String name, List<String> roles, String address, String userAgent) {
        public static final Actor SYSTEM = new Actor("system", null, null, List.of(), null, null);

        public Actor {
            Objects.requireNonNull(kind, "kind");
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        /** An authenticated caller, from {@code address} with {@code userAgent}. */
        public static Actor of(Caller caller, String address, String userAgent) {
            List<String> roles = caller.roles().stream().map(Role::wireName).sorted().toList();
            return new Actor(caller.isUser() ? "user" : "collector", caller.id(), caller.name(), roles, address, userAgent);
        }

        /** A person known by id and name but not (or not yet) signed in: a sign-in attempt, a token refresh. */
        public static Actor user(String id, String name, Collection<Role> roles, String address, String userAgent) {
            return new Actor("user", id, name, roles.stream().map(Role::wireName).sorted().toList(), address, userAgent);
        }

        /** A call without valid credentials. {@code claimedName} (a login name typed) is personal, sealed if present. */
        public static Actor anonymous(String claimedName, String address, String userAgent) {
            return new Actor("anonymous", null, claimedName, List.of(), address, userAgent);
        }

        /** The person whose key seals this actor's personal fields: users only. */
        String personId() {
            return "user".equals(kind) ? id : null;
        }
    }

    private final Category category;
    private final String action;
    private Outcome outcome = Outcome.SUCCESS;
    private Actor actor = Actor.SYSTEM;
    private String resourceType;
    private String resourceId;
    private Integer status;
    private String errorType;
    private Long durationMicros;
    private final Map<String, Object> details = new TreeMap<>();
    private Map<String, Object> before;
    private Map<String, Object> after;
    private String subjectId;
    private Map<String, Object> personalBefore;
    private Map<String, Object> personalAfter;

    private AuditEvent(Category category, String action) {
        this.category = Objects.requireNonNull(category);
        this.action = Objects.requireNonNull(action);
    }

    /** An API call: {@code action} is the method and route template ({@code GET /api/v1/instances/{id}}). */
    public static AuditEvent api(String action) {
        return new AuditEvent(Category.API, action);
    }

    /** A sign-in, sign-out, refresh or MFA event: {@code auth.login}, {@code auth.mfa.verify}, ... */
    public static AuditEvent auth(String action) {
        return new AuditEvent(Category.AUTH, action);
    }

    /** A change to a resource, with its values before and after: {@code user.update}, {@code collector.revoke}, ... */
    public static AuditEvent change(String action, String resourceType, String resourceId) {
        return new AuditEvent(Category.CHANGE, action).resource(resourceType, resourceId);
    }

    /** Collector ingest: {@code ingest.accepted} (counts over a window) or {@code ingest.refused} (one batch). */
    public static AuditEvent ingest(String action) {
        return new AuditEvent(Category.INGEST, action);
    }

    /** The server's own act: archiving, a lost-records notice, a scheduled job's change. */
    public static AuditEvent system(String action) {
        return new AuditEvent(Category.SYSTEM, action);
    }

    public AuditEvent outcome(Outcome outcome) {
        this.outcome = Objects.requireNonNull(outcome);
        return this;
    }

    public AuditEvent actor(Actor actor) {
        this.actor = Objects.requireNonNull(actor);
        return this;
    }

    public AuditEvent resource(String type, String id) {
        this.resourceType = type;
        this.resourceId = id;
        return this;
    }

    /** The HTTP status answered and, when it failed, the error envelope's type (wire name). */
    public AuditEvent status(int status, String errorType) {
        this.status = status;
        this.errorType = errorType;
        return this;
    }

    public AuditEvent durationMicros(long micros) {
        this.durationMicros = micros;
        return this;
    }

    /** A non-personal detail (a count, a method, a route, a reason). Values: text, numbers, booleans, lists, maps. */
    public AuditEvent detail(String key, Object value) {
        details.put(key, value);
        return this;
    }

    /** The non-personal values before and after a change (null for a creation's before or a deletion's after). */
    public AuditEvent change(Map<String, ?> before, Map<String, ?> after) {
        this.before = before == null ? null : new TreeMap<>(before);
        this.after = after == null ? null : new TreeMap<>(after);
        return this;
    }

    /**
     * The values before and after of a person's personal fields (user name, display name, e-mail, external ids),
     * sealed with the key of the person {@code subjectId} (a user id).
     */
    public AuditEvent personalChange(String subjectId, Map<String, ?> before, Map<String, ?> after) {
        this.subjectId = Objects.requireNonNull(subjectId);
        this.personalBefore = before == null ? null : new TreeMap<>(before);
        this.personalAfter = after == null ? null : new TreeMap<>(after);
        return this;
    }

    /** The values of {@code after} that differ from {@code before}, with both sides: for compact update records. */
    public static Map<String, Map<String, Object>> diff(Map<String, ?> before, Map<String, ?> after) {
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
        TreeMap<String, Object> keys = new TreeMap<>();
        if (before != null) keys.putAll(before);
        if (after != null) keys.putAll(after);
        for (String key : keys.keySet()) {
            Object was = before == null ? null : before.get(key);
            Object is = after == null ? null : after.get(key);
            if (!Objects.equals(was, is)) {
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("before", was);
                pair.put("after", is);
                changed.put(key, pair);
            }
        }
        return changed;
    }

    Category category() {
        return category;
    }

    String action() {
        return action;
    }

    Outcome outcome() {
        return outcome;
    }

    Actor actor() {
        return actor;
    }

    String resourceType() {
        return resourceType;
    }

    String resourceId() {
        return resourceId;
    }

    Integer status() {
        return status;
    }

    String errorType() {
        return errorType;
    }

    Long durationMicros() {
        return durationMicros;
    }

    /** Details, plus before and after when set: what goes in the clear. */
    Map<String, Object> clearDetails() {
        Map<String, Object> all = new TreeMap<>(details);
        if (before != null || after != null || category == Category.CHANGE) {
            all.put("before", before);
            all.put("after", after);
        }
        return all;
    }

    String subjectId() {
        return subjectId;
    }

    /** The personal before/after, or null when this event has none. */
    Map<String, Object> personal() {
        if (subjectId == null) {
            return null;
        }
        Map<String, Object> personal = new TreeMap<>();
        personal.put("before", personalBefore);
        personal.put("after", personalAfter);
        return personal;
    }

    String actorRoles() {
        return actor.roles().isEmpty() ? null : actor.roles().stream().collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return category.name().toLowerCase(java.util.Locale.ROOT) + " " + action + " " + outcome.name().toLowerCase(java.util.Locale.ROOT);
    }
}
