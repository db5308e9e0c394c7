package io.pganalytics.server.auth.sso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.server.auth.ExternalIdentity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Flows in progress and one-time codes, in two Hazelcast maps shared by every node: a flow started on one node is
 * finished on whichever node the browser reaches. Each entry is taken out exactly once ({@code remove} is atomic
 * cluster-wide), so a replayed callback or code finds nothing. Keys are SHA-256 digests of the flow id or code: the
 * map never holds what would let someone who reads it finish a sign-in. Values are JSON text, so nodes of different
 * builds read each other's entries without Java serialization.
 */
final class SsoStore {
    static final String FLOWS = "pga.sso-flows";
    static final String CODES = "pga.sso-codes";
    static final Duration FLOW_TTL = Duration.ofMinutes(10);
    static final Duration CODE_TTL = Duration.ofSeconds(60);

    /** A flow the broker started: the console's side (loopback, state, challenge) and the provider's (callback, kept). */
    record Flow(String provider, String redirectUri, String state, String codeChallenge, String callback,
                Map<String, String> kept) {
    }

    /** What a one-time code stands for: the person the provider vouched for, bound to the console's PKCE and loopback. */
    record Grant(String provider, ExternalIdentity identity, String codeChallenge, String redirectUri) {
    }

    private final IMap<String, String> flows;
    private final IMap<String, String> codes;
    private final ObjectMapper mapper;

    SsoStore(HazelcastInstance hazelcast, ObjectMapper mapper) {
        this.flows = hazelcast.getMap(FLOWS);
        this.codes = hazelcast.getMap(CODES);
        this.mapper = mapper;
    }

    void putFlow(String flowId, Flow flow) {
        flows.set(digest(flowId), json(flow), FLOW_TTL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The flow, taken out: a second call with the same id finds nothing. */
    Optional<Flow> takeFlow(String flowId) {
        return Optional.ofNullable(flows.remove(digest(flowId))).map(text -> parse(text, Flow.class));
    }

    int openFlows() {
        return flows.size();
    }

    void putGrant(String code, Grant grant) {
        codes.set(digest(code), json(grant), CODE_TTL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The code's grant, taken out: a code is good for one attempt, right or wrong. */
    Optional<Grant> takeGrant(String code) {
        return Optional.ofNullable(codes.remove(digest(code))).map(text -> parse(text, Grant.class));
    }

    static String digest(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T parse(String text, Class<T> type) {
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an unreadable " + type.getSimpleName() + " in " + (type == Flow.class ? FLOWS : CODES), e);
        }
    }
}
