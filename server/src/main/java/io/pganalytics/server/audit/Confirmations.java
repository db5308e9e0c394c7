package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditCanonical;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.helidon.webserver.http.ServerRequest;
import io.pganalytics.common.audit.ConfirmationRequired;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.auth.mfa.StepUp;
import io.pganalytics.server.http.ApiException;
import io.pganalytics.server.http.Caller;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The two-step confirmation of destructive and security-relevant admin actions (delete or disable a user, change
 * roles or identity providers, revoke a collector, shorten retention, rotate keys, restore a backup).
 * <p>
 * A route calls {@link #require} after it has read and validated its body, before it changes anything. Without a
 * valid {@value #HEADER} header the call is refused with 428 {@code confirmation_required}, carrying a single-use
 * token bound to the person, the method, the path and the body ({@link ConfirmationRequired}); the console shows the
 * summary and repeats the request with the token. With a valid token, the person must also have a fresh second factor
 * where MFA applies to them ({@link StepUp}), and the action goes on. Tokens live in the Hazelcast map {@value #MAP},
 * so the confirming request may reach any node. Both steps are audited ({@code confirmation.requested},
 * {@code confirmation.accepted}), linked by the token's reference.
 */
public final class Confirmations {
    public static final String HEADER = "X-Confirmation";
    static final String MAP = "pga.audit.confirmations";

    private final IMap<String, Pending> pending;
    private final AuditLog log;
    private final StepUp stepUp;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final ObjectMapper json = JsonMapping.newMapper();

    /** What a token confirms. */
    record Pending(String binding, String action, String callerId, long expiresAtMillis) implements Serializable {
    }

    public Confirmations(HazelcastInstance hazelcast, AuditLog log, StepUp stepUp, Clock clock, Duration ttl) {
        this.pending = hazelcast.getMap(MAP);
        this.log = log;
        this.stepUp = stepUp;
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * Returns when the request carries a valid confirmation of this very action (and the person's second factor is
     * fresh where needed); otherwise throws.
     *
     * @param body    the request's body as read (null when it has none): the token is bound to it
     * @param action  what would be done ({@code user.delete})
     * @param summary one sentence for the person: what will happen and what it affects
     * @throws ApiException 428 {@code confirmation_required} with a new token; 403 {@code step_up_required} when the
     *                      confirmation is valid but a fresh second factor is owed (the token stays good until it expires)
     */
    public void require(ServerRequest request, Caller caller, Object body, String action, String summary) {
        if (!caller.isUser()) {
            throw ApiException.forbidden("only people can confirm " + action);
        }
        String binding = binding(caller, request.prologue().method().text(), request.path().path(), body);
        String offered = request.headers().first(io.helidon.http.HeaderNames.create(HEADER)).orElse(null);
        boolean rejected = false;
        if (offered != null) {
            String key = key(offered);
            Pending confirmation = pending.get(key);
            if (confirmation != null && confirmation.callerId().equals(caller.id()) && confirmation.action().equals(action)
                    && MessageDigest.isEqual(confirmation.binding().getBytes(StandardCharsets.US_ASCII), binding.getBytes(StandardCharsets.US_ASCII))
                    && clock.millis() < confirmation.expiresAtMillis()) {
                // the second factor before spending the token: a person who steps up repeats with the same token
                stepUp.require(caller);
                if (pending.remove(key) != null) {
                    log.submit(AuditEvent.auth("confirmation.accepted").actor(actor(request, caller))
                            .detail("action", action).detail("confirmation", reference(key)));
                    return;
                }
            }
            rejected = true;
        }
        String token = newToken();
        String key = key(token);
        Instant expires = clock.instant().plus(ttl);
        pending.set(key, new Pending(binding, action, caller.id(), expires.toEpochMilli()), ttl.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        log.submit(AuditEvent.auth("confirmation.requested").actor(actor(request, caller))
                .outcome(rejected ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS)
                .detail("action", action).detail("summary", summary).detail("confirmation", reference(key))
                .detail("offeredTokenRejected", rejected));
        String said = rejected ? "The confirmation sent was not accepted (expired, used, or for another request). " + summary : summary;
        throw ApiException.confirmationRequired(new ConfirmationRequired(token, action, said, expires, stepUp.due(caller)));
    }

    private static AuditEvent.Actor actor(ServerRequest request, Caller caller) {
        return AuditEvent.Actor.of(caller, RequestActor.address(request), RequestActor.userAgent(request));
    }

    /** The person, method, path and body, hashed: what a token confirms. */
    private String binding(Caller caller, String method, String path, Object body) {
        byte[] bodyJson;
        try {
            bodyJson = body == null ? new byte[0] : json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a confirmed request's body cannot be written as JSON", e);
        }
        MessageDigest sha = AuditCanonical.sha256();
        sha.update((caller.id() + "\n" + method + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(bodyJson);
        return HexFormat.of().formatHex(sha.digest());
    }

    private String newToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Tokens are kept by their hash: the map never holds one that could be replayed. */
    private static String key(String token) {
        return HexFormat.of().formatHex(AuditCanonical.sha256().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** A short reference to a confirmation that links its two audit records without revealing the token. */
    private static String reference(String key) {
        return key.substring(0, 12);
    }

}
