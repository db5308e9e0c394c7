package io.pganalytics.server.auth.provider;

import io.ebean.Database;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.function.Consumer;

/** The admin and public routes of the identity providers, wired; {@link IdentityProviders} is the registry they serve. */
public final class IdentityProviderFeature implements AutoCloseable {
    private final IdentityProviderService service;
    private final IdentityProviderRoutes routes;

    /**
     * @param withdrawn told the name of a provider that an admin disabled or deleted (its users' sessions end)
     */
    public IdentityProviderFeature(Database database, IdentityProviders providers, JsonBodies bodies, Consumer<String> withdrawn) {
        this.service = new IdentityProviderService(database, providers, withdrawn);
        this.routes = new IdentityProviderRoutes(providers, service, bodies);
    }

    public ApiService routes() {
        return routes;
    }

    @Override
    public void close() {
        service.close();
    }
}
