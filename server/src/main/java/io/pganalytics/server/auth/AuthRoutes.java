package io.pganalytics.server.auth;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.LoginRequest;
import io.pganalytics.common.auth.RefreshRequest;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/** {@code /auth}: sign in, refresh, sign out, who am I, and the public keys that verify access tokens. */
final class AuthRoutes implements ApiService {
    private final AuthService auth;
    private final SigningKeys keys;
    private final JsonBodies bodies;

    AuthRoutes(AuthService auth, SigningKeys keys, JsonBodies bodies) {
        this.auth = auth;
        this.keys = keys;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.post("/auth/login", Access.PUBLIC, this::login)
                .post("/auth/refresh", Access.PUBLIC, this::refresh)
                .post("/auth/logout", Access.AUTHENTICATED, this::logout)
                .get("/auth/me", Access.AUTHENTICATED, this::me)
                .get("/auth/jwks", Access.PUBLIC, this::jwks);
    }

    private void login(ServerRequest request, ServerResponse response) {
        LoginRequest login = bodies.read(request, LoginRequest.class);
        bodies.ok(response, auth.login(login, RequestParameters.clientAddress(request)));
    }

    private void refresh(ServerRequest request, ServerResponse response) {
        bodies.ok(response, auth.refresh(bodies.read(request, RefreshRequest.class)));
    }

    private void logout(ServerRequest request, ServerResponse response) {
        auth.logout(ApiRules.caller(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void me(ServerRequest request, ServerResponse response) {
        bodies.ok(response, auth.me(ApiRules.caller(request)));
    }

    private void jwks(ServerRequest request, ServerResponse response) {
        bodies.ok(response, keys.jwks());
    }
}
