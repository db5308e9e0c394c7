package io.pganalytics.server.audit.people;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

/**
 * {@code /admin/people/{userId}}: an admin answers a person's GDPR requests: {@code GET .../data} exports everything
 * stored about them; {@code POST .../erase} erases it, after a two-step confirmation ({@link Confirmations}).
 */
final class PeopleRoutes implements ApiService {
    private final PeopleService people;
    private final Confirmations confirmations;
    private final JsonBodies bodies;

    PeopleRoutes(PeopleService people, Confirmations confirmations, JsonBodies bodies) {
        this.people = people;
        this.confirmations = confirmations;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/admin/people/{userId}/data", Access.ADMIN, this::data)
                .post("/admin/people/{userId}/erase", Access.ADMIN, this::erase);
    }

    private void data(ServerRequest request, ServerResponse response) {
        long userId = userId(request);
        long afterSeq = afterSeq(request);
        int limit = RequestParameters.intParameter(request, "limit", PeopleService.DEFAULT_RECORDS, 1, PeopleService.MAX_RECORDS);
        bodies.ok(response, people.export(userId, afterSeq, limit, actor(request)));
    }

    private void erase(ServerRequest request, ServerResponse response) {
        long userId = userId(request);
        Caller caller = ApiRules.caller(request);
        people.check(userId, caller);
        // the summary is recorded in the clear with the confirmation: it names the person by id only
        confirmations.require(request, caller, null, "person.erase", "Erase every piece of personal data about user " + userId
                + ": their account, identity links, second factors and sessions are deleted, and their name, e-mail and"
                + " addresses in the audit trail become unreadable for good. This cannot be undone.");
        bodies.ok(response, people.erase(userId, caller, actor(request)));
    }

    private static AuditEvent.Actor actor(ServerRequest request) {
        return AuditEvent.Actor.of(ApiRules.caller(request), RequestParameters.clientAddress(request),
                request.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }

    private static long afterSeq(ServerRequest request) {
        String text = RequestParameters.text(request, "afterSeq").orElse("0");
        if (!text.matches("\\d{1,18}")) {
            throw ApiException.invalid("afterSeq", "must be a record's seq (0 or more), was '" + RequestParameters.abbreviate(text) + "'");
        }
        return Long.parseLong(text);
    }

    private static long userId(ServerRequest request) {
        String text = request.path().pathParameters().get("userId");
        if (text == null || !text.matches("\\d{1,18}")) {
            throw ApiException.notFound("no user with id '" + RequestParameters.abbreviate(text) + "'");
        }
        return Long.parseLong(text);
    }
}
