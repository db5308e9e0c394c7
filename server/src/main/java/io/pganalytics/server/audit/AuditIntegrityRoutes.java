package io.pganalytics.server.audit;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.ApiRules;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestParameters;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * {@code /audit/verify}, {@code /audit/checkpoints}, {@code /audit/public-keys}, {@code /audit/status}: auditors and
 * admins check the chain, read its signed heads, and take the public keys to verify an export offline. One
 * verification at a time per node (it streams the whole range): a second gets 503 with Retry-After.
 */
final class AuditIntegrityRoutes implements ApiService {
    private final AuditIntegrity integrity;
    private final JsonBodies bodies;
    private final Semaphore verifying = new Semaphore(1);

    AuditIntegrityRoutes(AuditIntegrity integrity, JsonBodies bodies) {
        this.integrity = integrity;
        this.bodies = bodies;
    }

    @Override
    public void register(ApiRules rules) {
        rules.get("/audit/verify", Access.AUDITOR, this::verify)
                .get("/audit/checkpoints", Access.AUDITOR, this::checkpoints)
                .get("/audit/public-keys", Access.AUDITOR, this::publicKeys)
                .get("/audit/status", Access.AUDITOR, this::status);
    }

    private void verify(ServerRequest request, ServerResponse response) {
        Long from = seq(request, "from").orElse(null);
        Long to = seq(request, "to").orElse(null);
        if (from != null && to != null && to < from) {
            throw ApiException.invalid("to", "must not be before from (" + from + "), was " + to);
        }
        if (!verifying.tryAcquire()) {
            throw ApiException.unavailable("a verification is already running on this node", Duration.ofSeconds(5));
        }
        try {
            bodies.ok(response, integrity.verify(from, to));
        } finally {
            verifying.release();
        }
    }

    private void checkpoints(ServerRequest request, ServerResponse response) {
        int limit = RequestParameters.intParameter(request, "limit", 100, 1, 500);
        bodies.ok(response, integrity.checkpoints().list(seq(request, "beforeSeq").orElse(null), limit));
    }

    private void publicKeys(ServerRequest request, ServerResponse response) {
        bodies.ok(response, Map.of("keys", integrity.checkpoints().publicKeys()));
    }

    private void status(ServerRequest request, ServerResponse response) {
        bodies.ok(response, integrity.status());
    }

    private static Optional<Long> seq(ServerRequest request, String name) {
        Optional<String> text = RequestParameters.text(request, name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!text.get().matches("[1-9][0-9]{0,17}")) {
            throw ApiException.invalid(name, "must be a record number (a whole number from 1), was '"
                    + text.get().substring(0, Math.min(40, text.get().length())) + "'");
        }
        return Optional.of(Long.parseLong(text.get()));
    }
}
