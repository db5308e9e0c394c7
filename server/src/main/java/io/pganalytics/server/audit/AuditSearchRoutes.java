package io.pganalytics.server.audit;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** {@code GET /audit}: auditors and admins search the trail. */
final class AuditSearchRoutes implements ApiService {
    static final Set<String> CATEGORIES = Set.of("api", "auth", "change", "ingest", "system");
    static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");
    private static final int MAX_FILTER = 256;

    private final AuditSearch search;
    private final JsonBodies bodies;

    AuditSearchRoutes(AuditSearch search, JsonBodies bodies) {
        this.search = search;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/audit", Access.AUDITOR, this::search);
    }

    private void search(ServerRequest request, ServerResponse response) {
        bodies.ok(response, search.page(query(request)));
    }

    static AuditQuery query(ServerRequest request) {
        Optional<String> category = oneOf(request, "category", CATEGORIES);
        Optional<String> outcome = oneOf(request, "outcome", OUTCOMES);
        Optional<Instant> from = instant(request, "from");
        Optional<Instant> to = instant(request, "to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw ApiException.invalid("to", "must be after from (" + from.get() + "), was " + to.get());
        }
        Optional<String> text = bounded(request, "q", AuditSearch.MAX_TEXT);
        Optional<Long> beforeSeq = seq(request, "beforeSeq");
        Optional<Long> afterSeq = seq(request, "afterSeq");
        int limit = RequestParameters.intParameter(request, "limit", AuditSearch.DEFAULT_LIMIT, 1, AuditSearch.MAX_LIMIT);
        return new AuditQuery(bounded(request, "actor", MAX_FILTER), bounded(request, "action", MAX_FILTER), category,
                bounded(request, "resourceType", MAX_FILTER), bounded(request, "resourceId", MAX_FILTER), outcome,
                bounded(request, "node", MAX_FILTER), from, to, text, beforeSeq, afterSeq, limit);
    }

    static Optional<String> bounded(ServerRequest request, String name, int max) {
        Optional<String> value = RequestParameters.text(request, name);
        if (value.isPresent() && value.get().length() > max) {
            throw ApiException.invalid(name, "must be at most " + max + " characters, was " + value.get().length());
        }
        return value;
    }

    private static Optional<String> oneOf(ServerRequest request, String name, Set<String> allowed) {
        Optional<String> value = RequestParameters.text(request, name);
        if (value.isPresent() && !allowed.contains(value.get())) {
            throw ApiException.invalid(name, "must be one of " + allowed.stream().sorted().toList() + ", was '"
                    + RequestParameters.abbreviate(value.get()) + "'");
        }
        return value;
    }

    /** An ISO-8601 instant with an offset ({@code 2026-12-07T05:00:00Z}, {@code 2026-12-07T06:00:00+01:00}). */
    static Optional<Instant> instant(ServerRequest request, String name) {
        Optional<String> value = RequestParameters.text(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.get()).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name, "must be an ISO-8601 time with an offset such as 2026-12-07T05:00:00Z, was '"
                    + RequestParameters.abbreviate(value.get()) + "'");
        }
    }

    static Optional<Long> seq(ServerRequest request, String name) {
        Optional<String> value = RequestParameters.text(request, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seq = Long.parseLong(value.get());
            if (seq < 0) {
                throw ApiException.invalid(name, "must be 0 or more, was " + seq);
            }
            return Optional.of(seq);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a record's seq (a whole number), was '" + RequestParameters.abbreviate(value.get()) + "'");
        }
    }
}
