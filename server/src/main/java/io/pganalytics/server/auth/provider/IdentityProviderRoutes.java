package io.pganalytics.server.auth.provider;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.IdentityProviderRequest;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /auth/providers}: the ways to sign in, for anyone (the console's sign-in screen); and
 * {@code /admin/identity-providers}: admins list, create, read, replace, delete and test identity providers. A change
 * (create, replace, delete) must be confirmed ({@link Confirmations}), which also asks for a fresh second factor
 * (StepUp) like every change to users does.
 */
final class IdentityProviderRoutes implements ApiService {
    private final IdentityProviders providers;
    private final IdentityProviderService service;
    private final JsonBodies bodies;
    private final Confirmations confirmations;

    IdentityProviderRoutes(IdentityProviders providers, IdentityProviderService service, JsonBodies bodies,
                           Confirmations confirmations) {
        this.providers = providers;
        this.service = service;
        this.bodies = bodies;
        this.confirmations = confirmations;
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
        service.checkCreate(create);
        confirmations.require(request, ApiRules.caller(request), create, "identity-provider.create",
                "Create identity provider '" + create.name() + "' (" + create.kind() + "): its users can sign in once it is enabled.");
        bodies.created(response, service.create(create, RequestActor.of(request)));
    }

    private void get(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.get(name(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        String name = name(request);
        IdentityProviderRequest update = bodies.read(request, IdentityProviderRequest.class);
        service.checkUpdate(name, update);
        confirmations.require(request, ApiRules.caller(request), update, "identity-provider.update",
                "Replace identity provider '" + name + "'" + (Boolean.FALSE.equals(update.enabled())
                        ? ", disabling it: its users' sessions end." : ": its users sign in with the new settings."));
        bodies.ok(response, service.update(name, update, RequestActor.of(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        String name = name(request);
        service.checkDelete(name);
        confirmations.require(request, ApiRules.caller(request), null, "identity-provider.delete",
                "Delete identity provider '" + name + "': its users can no longer sign in and their sessions end.");
        service.delete(name, RequestActor.of(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void test(ServerRequest request, ServerResponse response) {
        bodies.ok(response, service.test(name(request), ApiRules.caller(request)));
    }

    private static String name(ServerRequest request) {
        return request.path().pathParameters().get("name");
    }
}
