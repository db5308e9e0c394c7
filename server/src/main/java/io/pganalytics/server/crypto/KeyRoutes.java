package io.pganalytics.server.crypto;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.common.keys.RotateRequest;
import io.pganalytics.server.audit.AuditLog;
import io.pganalytics.server.audit.Confirmations;
import io.pganalytics.server.audit.RequestActor;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;

/**
 * {@code /admin/keys}: admins read the key status, rotate, start a re-wrap, and retire a data key or a key-encryption
 * key version. Rotation and retirement must be confirmed ({@link Confirmations}), which also asks for a fresh second
 * factor like other sensitive changes; every change is recorded in the audit trail with the change's own transaction.
 */
final class KeyRoutes implements ApiService {
    private final KeyManagement keys;
    private final JsonBodies bodies;
    private final Confirmations confirmations;
    private final AuditLog audit;

    KeyRoutes(KeyManagement keys, JsonBodies bodies, Confirmations confirmations, AuditLog audit) {
        this.keys = keys;
        this.bodies = bodies;
        this.confirmations = confirmations;
        this.audit = audit;
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
        byte[] body = JsonBodies.readBounded(request, 4096);
        RotateRequest rotate = body.length == 0 ? new RotateRequest(null) : bodies.parse(body, RotateRequest.class);
        confirmations.require(request, ApiRules.caller(request), rotate, "keys.rotate", Boolean.FALSE.equals(rotate.newKekVersion())
                ? "Rotate the data key: a new data key seals new values on every node, and a re-wrap moves the old ones."
                : "Rotate the keys: a new key-encryption key version (where the provider can make one) and a new data key,"
                + " then a re-wrap of every sealed value.");
        bodies.ok(response, keys.rotate(rotate.newKekVersion(), audited(request)));
    }

    private void rewrap(ServerRequest request, ServerResponse response) {
        bodies.send(response, Status.ACCEPTED_202, keys.rewrap(audited(request)));
    }

    private void retireDataKey(ServerRequest request, ServerResponse response) {
        int id = number(request, "id");
        confirmations.require(request, ApiRules.caller(request), null, "keys.retire-data-key",
                "Retire data key " + id + ": its wrapped bytes are erased for good; anything it still sealed could never be read again.");
        keys.retireDataKey(id, audited(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void retireKekVersion(ServerRequest request, ServerResponse response) {
        int version = number(request, "version");
        confirmations.require(request, ApiRules.caller(request), null, "keys.retire-kek-version",
                "Destroy key-encryption key version " + version + " in the key provider, for good.");
        keys.retireKekVersion(version, audited(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private KeyAudit audited(ServerRequest request) {
        return new KeyAudit(audit, RequestActor.of(request));
    }

    private static int number(ServerRequest request, String name) {
        String value = request.path().pathParameters().get(name);
        if (!value.matches("[1-9][0-9]{0,8}")) {
            throw ApiException.invalid(name, "'" + value + "' is not a positive whole number");
        }
        return Integer.parseInt(value);
    }
}
