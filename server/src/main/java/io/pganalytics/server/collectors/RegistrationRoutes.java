package io.pganalytics.server.collectors;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.collectors.CreateRegistrationTokenRequest;
import io.pganalytics.common.wire.RegistrationRequest;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/** {@code /collectors/registration-tokens} (admins issue, list and revoke tokens) and {@code /collectors/register}. */
final class RegistrationRoutes implements ApiService {
    private final RegistrationService registration;
    private static final String REGISTER = "/collectors/register";

    private final JsonBodies bodies;

    RegistrationRoutes(RegistrationService registration, JsonBodies bodies) {
        this.registration = registration;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.post(REGISTER, Access.PUBLIC, this::registerCollector)
                .get("/collectors/registration-tokens", Access.ADMIN, this::list)
                .post("/collectors/registration-tokens", Access.ADMIN, this::create)
                .delete("/collectors/registration-tokens/{id}", Access.ADMIN, this::revoke);
    }

    private void registerCollector(ServerRequest request, ServerResponse response) {
        RegistrationRequest body = bodies.read(request, RegistrationRequest.class);
        // The server URL comes from configuration (http.public-url), never from the Host header; without it the
        // collector keeps the URL it registered with.
        bodies.created(response, registration.register(body, RequestParameters.clientAddress(request),
                RequestParameters.publicApiUrl(request).orElse(null)));
    }

    private void list(ServerRequest request, ServerResponse response) {
        int limit = RequestParameters.intParameter(request, "limit", 100, 1, RegistrationService.MAX_PAGE);
        int offset = RequestParameters.intParameter(request, "offset", 0, 0, Integer.MAX_VALUE);
        bodies.ok(response, registration.listTokens(offset, limit));
    }

    private void create(ServerRequest request, ServerResponse response) {
        // An empty body takes every default: `curl -X POST` is enough.
        CreateRegistrationTokenRequest body = request.content().hasEntity()
                ? bodies.read(request, CreateRegistrationTokenRequest.class)
                : new CreateRegistrationTokenRequest(null, null);
        bodies.created(response, registration.createToken(body, RequestActor.of(request)));
    }

    private void revoke(ServerRequest request, ServerResponse response) {
        String text = request.path().pathParameters().get("id");
        if (text == null || !text.matches("\\d{1,18}")) {
            throw ApiException.notFound("no registration token with id '" + RequestParameters.abbreviate(text) + "'");
        }
        registration.revokeToken(Long.parseLong(text), RequestActor.of(request));
        response.status(Status.NO_CONTENT_204).send();
    }
}
