package io.pganalytics.server.collectors;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;
import io.pganalytics.server.http.CallerAuthenticator;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates collectors on {@code COLLECTOR} routes by {@code Authorization: Bearer pgac_<id>_<secret>}. On the
 * ingest hot path: one Hazelcast map lookup and one SHA-256 per request, no database query unless the registry
 * misses. A person's access token is refused here, as a collector's credential is refused on people's routes.
 */
final class CollectorAuthenticator implements CallerAuthenticator {
    private static final String BEARER = "bearer ";
    private static final String INVALID = "the collector credential is not valid: register the collector again";

    private final CollectorRegistry registry;

    CollectorAuthenticator(CollectorRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Optional<Caller> authenticate(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        return header.map(this::verify);
    }

    /**
     * The collector an {@code Authorization} header's value stands for.
     *
     * @throws ApiException unauthenticated when it is not a collector credential, not valid, or its collector is
     *                      disabled or deleted
     */
    Caller verify(String authorization) {
        String value = authorization.trim();
        if (value.length() < BEARER.length() || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw ApiException.unauthenticated("the Authorization header must be 'Bearer <collector credential>'");
        }
        String credential = value.substring(BEARER.length()).trim();
        if (!credential.startsWith(Secrets.CREDENTIAL_PREFIX)) {
            throw ApiException.unauthenticated("this route needs a collector credential (pgac_...); a person's access token is not accepted here");
        }
        if (credential.length() != Secrets.CREDENTIAL_LENGTH) {
            throw ApiException.unauthenticated(INVALID);
        }
        String collectorId = credential.substring(Secrets.CREDENTIAL_PREFIX.length(), Secrets.CREDENTIAL_PREFIX.length() + 36);
        if (!Secrets.isCollectorId(collectorId) || credential.charAt(Secrets.CREDENTIAL_PREFIX.length() + 36) != '_') {
            throw ApiException.unauthenticated(INVALID);
        }
        byte[] hash = Secrets.sha256(credential);
        RegistryEntry entry = registry.lookup(collectorId);
        if (!entry.matches(hash)) {
            throw ApiException.unauthenticated(INVALID);
        }
        if (!entry.enabled()) {
            throw ApiException.unauthenticated("collector " + collectorId + " is disabled: an admin must enable it again");
        }
        return new Caller(Caller.Kind.COLLECTOR, collectorId, entry.name(), Set.of(), "");
    }
}
