package io.pganalytics.server.auth.mfa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.common.json.JsonMapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Short-lived, single-use records shared by every node (a sign-in's MFA challenge, a TOTP enrolment), in a Hazelcast
 * map with a time to live. The client holds a random id; the map is keyed by its SHA-256, so a heap dump or a map
 * listing does not hand out usable ids. Values are JSON text (Helidon's JVM-wide filter refuses Java serialization),
 * which also makes the compare-and-set operations ({@link #take}, {@link #replace}) compare whole values.
 *
 * @param <T> the record kept
 */
final class ClusterTickets<T> {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectMapper MAPPER = JsonMapping.newMapper();
    private static final int MAX_ID_LENGTH = 64;

    /** A record as read, with what {@link #take} and {@link #replace} need to change it only if nobody else did. */
    record Held<T>(String key, String json, T value) {
    }

    private final IMap<String, String> map;
    private final Class<T> type;
    private final SecureRandom random;

    ClusterTickets(HazelcastInstance hazelcast, String mapName, Class<T> type, SecureRandom random) {
        this.map = hazelcast.getMap(mapName);
        this.type = type;
        this.random = random;
    }

    /** Keeps {@code value} for {@code ttl}; the new random id the client will present. */
    String issue(T value, Duration ttl) {
        byte[] id = new byte[24];
        random.nextBytes(id);
        String ticket = B64URL.encodeToString(id);
        map.set(key(ticket), json(value), ttl.toMillis(), TimeUnit.MILLISECONDS);
        return ticket;
    }

    Optional<Held<T>> find(String ticket) {
        if (ticket == null || ticket.isEmpty() || ticket.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        String key = key(ticket);
        String json = map.get(key);
        return json == null ? Optional.empty() : Optional.of(new Held<>(key, json, parse(json)));
    }

    /** The record as it is now, after {@link #replace} or {@link #take} lost a race. */
    Optional<Held<T>> reread(Held<T> held) {
        String json = map.get(held.key());
        return json == null ? Optional.empty() : Optional.of(new Held<>(held.key(), json, parse(json)));
    }

    /** Removes the record if it is still as read: true for exactly one of several requests racing on any nodes. */
    boolean take(Held<T> held) {
        return map.remove(held.key(), held.json());
    }

    /** Replaces the record if it is still as read, keeping it for {@code ttl}; false when another request changed it. */
    boolean replace(Held<T> held, T next, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            return map.remove(held.key(), held.json());
        }
        // replace(key, old, new) keeps no TTL of its own: set it afterwards, on the value just written.
        if (!map.replace(held.key(), held.json(), json(next))) {
            return false;
        }
        map.setTtl(held.key(), ttl.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    private static String key(String ticket) {
        try {
            return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private String json(T value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + type.getSimpleName(), e);
        }
    }

    private T parse(String json) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + " from the cluster map", e);
        }
    }
}
