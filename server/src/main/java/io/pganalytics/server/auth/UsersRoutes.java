package io.pganalytics.server.auth;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.server.auth.mfa.StepUp;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.Optional;

/**
 * {@code /users}: admins list, create, read, change and delete users. Every change asks for a fresh second factor
 * ({@link StepUp}) from an admin who has one or whom the MFA policy requires to have one.
 */
final class UsersRoutes implements ApiService {
    private static final int DEFAULT_LIMIT = 100;

    private final UserService users;
    private final JsonBodies bodies;
    private final StepUp stepUp;

    UsersRoutes(UserService users, JsonBodies bodies, StepUp stepUp) {
        this.users = users;
        this.bodies = bodies;
        this.stepUp = stepUp;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/users", Access.ADMIN, this::list)
                .post("/users", Access.ADMIN, this::create)
                .get("/users/{id}", Access.ADMIN, this::get)
                .patch("/users/{id}", Access.ADMIN, this::update)
                .delete("/users/{id}", Access.ADMIN, this::delete);
    }

    private void list(ServerRequest request, ServerResponse response) {
        int limit = RequestParameters.intParameter(request, "limit", DEFAULT_LIMIT, 1, UserService.MAX_PAGE);
        int offset = RequestParameters.intParameter(request, "offset", 0, 0, Integer.MAX_VALUE);
        bodies.ok(response, users.list(offset, limit));
    }

    private void create(ServerRequest request, ServerResponse response) {
        stepUp.require(ApiRules.caller(request));
        CreateUserRequest create = bodies.read(request, CreateUserRequest.class);
        bodies.created(response, users.create(create, ApiRules.caller(request)));
    }

    private void get(ServerRequest request, ServerResponse response) {
        bodies.ok(response, users.get(id(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = id(request);
        stepUp.require(ApiRules.caller(request));
        UpdateUserRequest update = bodies.read(request, UpdateUserRequest.class);
        bodies.ok(response, users.update(id, update, ApiRules.caller(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        long id = id(request);
        stepUp.require(ApiRules.caller(request));
        users.delete(id, ApiRules.caller(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private static long id(ServerRequest request) {
        String text = request.path().pathParameters().get("id");
        return UserService.parseId(text).orElseThrow(() -> ApiException.notFound("no user with id '" + RequestParameters.abbreviate(text) + "'"));
    }

}
