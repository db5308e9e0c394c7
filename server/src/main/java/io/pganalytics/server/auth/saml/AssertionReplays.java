package io.pganalytics.server.auth.saml;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The ids of the assertions already used, shared by every node through the Hazelcast map {@value #MAP}: a response
 * captured on its way (a browser's history, a proxy's log) cannot sign anyone in a second time, on this node or
 * another. An entry lives until the assertion would be refused as expired anyway.
 */
final class AssertionReplays {
    static final String MAP = "pga.saml-assertions";

    private final IMap<String, Long> used;
    private final Clock clock;

    AssertionReplays(HazelcastInstance hazelcast, Clock clock) {
        this.used = hazelcast.getMap(MAP);
        this.clock = clock;
    }

    /** Records the assertion's use; throws {@link SamlException} when it was used before (anywhere in the cluster). */
    void useOnce(String issuer, String assertionId, Instant usableUntil) {
        long ttl = Math.max(1_000, usableUntil.toEpochMilli() - clock.millis());
        Long before = used.putIfAbsent(issuer + " " + assertionId, usableUntil.toEpochMilli(), ttl, TimeUnit.MILLISECONDS);
        if (before != null) {
            throw new SamlException("the assertion " + assertionId + " was already used: a SAML response signs in once (replay refused)");
        }
    }
}
