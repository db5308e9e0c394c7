package io.pganalytics.server.auth;

import io.pganalytics.server.http.RequestParameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.auth.CreateUserRequest;
import io.pganalytics.common.auth.UpdateUserRequest;
import io.pganalytics.common.auth.Role;
import io.pganalytics.common.auth.UserView;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.auth.mfa.StepUp;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code /users}: admins list, create, read, change and delete users. Every change asks for a fresh second factor
 * ({@link StepUp}) from an admin who has one or whom the MFA policy requires to have one; deleting a user, disabling
 * one and changing their roles must also be confirmed ({@link Confirmations}), which asks for that second factor itself.
 */
final class UsersRoutes implements ApiService {
    private static final int DEFAULT_LIMIT = 100;

    private final UserService users;
    private final JsonBodies bodies;
    private final StepUp stepUp;
    private final Confirmations confirmations;

    UsersRoutes(UserService users, JsonBodies bodies, StepUp stepUp, Confirmations confirmations) {
        this.users = users;
        this.bodies = bodies;
        this.stepUp = stepUp;
        this.confirmations = confirmations;
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
        bodies.created(response, users.create(create, RequestActor.of(request)));
    }

    private void get(ServerRequest request, ServerResponse response) {
        bodies.ok(response, users.get(id(request)));
    }

    private void update(ServerRequest request, ServerResponse response) {
        long id = id(request);
        UpdateUserRequest update = bodies.read(request, UpdateUserRequest.class);
        Optional<String> confirm = needsConfirmation(users.get(id), update);
        if (confirm.isPresent()) {
            confirmations.require(request, ApiRules.caller(request), update, "user.update", confirm.get());
        } else {
            stepUp.require(ApiRules.caller(request));
        }
        bodies.ok(response, users.update(id, update, RequestActor.of(request)));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        long id = id(request);
        users.get(id);
        confirmations.require(request, ApiRules.caller(request), null, "user.delete",
                "Delete user " + id + ": their account goes and every session they have ends.");
        users.delete(id, RequestActor.of(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    /**
     * What must be confirmed in a change: disabling the user, or changing their roles (ids only: a summary is recorded
     * in the clear and names no person).
     */
    static Optional<String> needsConfirmation(UserView current, UpdateUserRequest update) {
        StringBuilder what = new StringBuilder();
        if (update.roles() != null && !Set.copyOf(update.roles()).equals(Set.copyOf(current.roles()))) {
            what.append("change the roles of user ").append(current.id()).append(" from ").append(names(current.roles()))
                    .append(" to ").append(names(update.roles()));
        }
        if (Boolean.FALSE.equals(update.enabled()) && current.enabled()) {
            what.append(what.isEmpty() ? "" : " and ").append("disable user ").append(current.id())
                    .append(" (their sessions end at once)");
        }
        if (what.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Character.toUpperCase(what.charAt(0)) + what.substring(1) + ".");
    }

    private static String names(Set<Role> roles) {
        return roles.isEmpty() ? "no role" : roles.stream().map(Role::wireName).collect(Collectors.toCollection(TreeSet::new)).toString();
    }

    private static long id(ServerRequest request) {
        String text = request.path().pathParameters().get("id");
        return UserService.parseId(text).orElseThrow(() -> ApiException.notFound("no user with id '" + RequestParameters.abbreviate(text) + "'"));
    }

}
