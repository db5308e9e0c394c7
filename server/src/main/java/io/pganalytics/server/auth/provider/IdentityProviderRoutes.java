package io.pganalytics.server.auth.provider;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /auth/providers}: the ways to sign in, for anyone (the console's sign-in screen); and
 * {@code /admin/identity-providers}: admins list, create, read, replace, delete and test identity providers.
 */
final class IdentityProviderRoutes implements ApiService {
    private final IdentityProviders providers;
    private final IdentityProviderService service;
    private final JsonBodies bodies;

    IdentityProviderRoutes(IdentityProviders providers, IdentityProviderService service, JsonBodies bodies) {
        this.providers = providers;
        this.service = service;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/auth/providers", Access.PUBLIC, this::summaries)
                .get("/admin/identity-providers", Access.ADMIN, this::list)
                .post("/admin/identity-providers", Access.ADMIN, this::create)
                .get("/admin/identity-providers/{name}", Access.ADMIN, this::get)
                .put("/admin/identity-providers/{name}", Access.ADMIN, this::update)
                .delete("/admin/identity-providers/{name}", Access.ADMIN, this::delete)
                .post("/admin/identity-providers/{name}/test", Access.ADMIN, this::test);
    }

    private void summaries(ServerRequest request, ServerResponse response) {
        bodies.ok(response, providers.summaries());
    }

    private void list(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.list());
    }

    private void create(ServerRequest request, ServerResponse response) {
        IdentityProviderRequest create = bodies.read(request, IdentityProviderRequest.class);
        bodies.created(response, service.create(create, ApiRules.caller(request)));
    }

    private void get(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.get(name(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        String name = name(request);
        IdentityProviderRequest update = bodies.read(request, IdentityProviderRequest.class);
        bodies.ok(response, service.update(name, update, ApiRules.caller(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        service.delete(name(request), ApiRules.caller(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void test(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.test(name(request), ApiRules.caller(request)));
    }

    private static String name(ServerRequest request) {
        return request.path().pathParameters().get("name");
    }
}
