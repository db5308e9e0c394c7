package io.pganalytics.server.auth.provider;

import io.ebean.Database;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.function.Consumer;

/** The admin and public routes of the identity providers, wired; {@link IdentityProviders} is the registry they serve. */
public final class IdentityProviderFeature implements AutoCloseable {
    private final IdentityProviderService service;
    private final IdentityProviders providers;
    private final JsonBodies bodies;

    /**
     * @param withdrawn told the name of a provider that an admin disabled or deleted (its users' sessions end)
     * @param audit     where every change is recorded, in its own transaction
     */
    public IdentityProviderFeature(Database database, IdentityProviders providers, JsonBodies bodies, Consumer<String> withdrawn,
                                   AuditLog audit) {
        this.service = new IdentityProviderService(database, providers, withdrawn, audit);
        this.providers = providers;
        this.bodies = bodies;
    }

    /** The routes; creating, replacing and deleting a provider must be confirmed ({@code confirmations}). */
    public ApiService routes(Confirmations confirmations) {
        return new IdentityProviderRoutes(providers, service, bodies, confirmations);
    }

    @Override
    public void close() {
        service.close();
    }
}
