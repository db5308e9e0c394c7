package io.pganalytics.server.crypto;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.server.auth.mfa.StepUp;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /admin/keys}: admins read the key status, rotate, start a re-wrap, and retire a data key or a key-encryption
 * key version. Rotation and retirement ask for a fresh second factor ({@link StepUp}) like other sensitive changes.
 */
final class KeyRoutes implements ApiService {
    private final KeyManagement keys;
    private final JsonBodies bodies;
    private final StepUp stepUp;

    KeyRoutes(KeyManagement keys, JsonBodies bodies, StepUp stepUp) {
        this.keys = keys;
        this.bodies = bodies;
        this.stepUp = stepUp;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/admin/keys", Access.ADMIN, this::status)
                .post("/admin/keys/rotate", Access.ADMIN, this::rotate)
                .post("/admin/keys/rewrap", Access.ADMIN, this::rewrap)
                .post("/admin/keys/data-keys/{id}/retire", Access.ADMIN, this::retireDataKey)
                .post("/admin/keys/kek-versions/{version}/retire", Access.ADMIN, this::retireKekVersion);
    }

    private void status(ServerRequest request, ServerResponse response) {
        bodies.ok(response, keys.status());
    }

    private void rotate(ServerRequest request, ServerResponse response) {
        stepUp.require(ApiRules.caller(request));
        byte[] body = JsonBodies.readBounded(request, 4096);
        RotateRequest rotate = body.length == 0 ? new RotateRequest(null) : bodies.parse(body, RotateRequest.class);
        bodies.ok(response, keys.rotate(rotate.newKekVersion(), ApiRules.caller(request).name()));
    }

    private void rewrap(ServerRequest request, ServerResponse response) {
        bodies.send(response, Status.ACCEPTED_202, keys.rewrap(ApiRules.caller(request).name()));
    }

    private void retireDataKey(ServerRequest request, ServerResponse response) {
        stepUp.require(ApiRules.caller(request));
        keys.retireDataKey(number(request, "id"), ApiRules.caller(request).name());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void retireKekVersion(ServerRequest request, ServerResponse response) {
        stepUp.require(ApiRules.caller(request));
        keys.retireKekVersion(number(request, "version"), ApiRules.caller(request).name());
        response.status(Status.NO_CONTENT_204).send();
    }

    private static int number(ServerRequest request, String name) {
        String value = request.path().pathParameters().get(name);
        if (!value.matches("[1-9][0-9]{0,8}")) {
            throw ApiException.invalid(name, "'" + value + "' is not a positive whole number");
        }
        return Integer.parseInt(value);
    }
}
