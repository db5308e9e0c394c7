package io.pganalytics.server.alerting.context;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.server.audit.AuditEvent;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.RequestParameters;

/** What the context's routes read from a request: path ids, a list's limit, and who is acting. */
final class ContextRequests {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private ContextRequests() {
    }

    /** A positive path id: 400 naming the parameter otherwise. */
    static long id(ServerRequest request, String name) {
        String text = request.path().pathParameters().get(name);
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(name, "must be a positive whole number, was '" + RequestParameters.abbreviate(text) + "'");
    }

    static int limit(ServerRequest request) {
        return RequestParameters.intParameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    static AuditEvent.Actor actor(ServerRequest request) {
        Caller caller = ApiRules.caller(request);
        return AuditEvent.Actor.of(caller, RequestParameters.clientAddress(request), request.headers().first(HeaderNames.USER_AGENT).orElse(null));
    }

    /** Who made something, as the tables record it ({@code created_by}): the caller's user name. */
    static String author(ServerRequest request) {
        return ApiRules.caller(request).name();
    }
}
