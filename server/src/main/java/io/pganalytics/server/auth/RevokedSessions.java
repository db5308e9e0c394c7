package io.pganalytics.server.auth;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sessions whose access tokens must be refused on every node at once, shared through the Hazelcast map
 * {@value #MAP}. An entry lives as long as the longest-lived access token of its session could: after that the
 * tokens have expired on their own and the database (authoritative for refresh tokens) is enough.
 */
final class RevokedSessions {
    static final String MAP = "pga.revoked-sessions";

    private final IMap<String, Long> map;
    private final Clock clock;
    private final Duration keepFor;

    RevokedSessions(HazelcastInstance hazelcast, Clock clock, Duration accessTokenTtl) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.keepFor = accessTokenTtl.plus(AccessTokens.CLOCK_SKEW).plusSeconds(30);
    }

    void revoke(String sessionId) {
        long until = clock.millis() + keepFor.toMillis();
        map.set(sessionId, until, keepFor.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isRevoked(String sessionId) {
        return map.containsKey(sessionId);
    }

    /** Tells {@code onRevoked} of every session revoked from now on, on any node. */
    void subscribe(java.util.function.Consumer<String> onRevoked) {
        map.addEntryListener(new Listener(onRevoked), false);
    }

    /** Added (first revocation) and updated (revoked again) entries alike: each names a session that has ended. */
    private record Listener(java.util.function.Consumer<String> onRevoked)
            implements com.hazelcast.map.listener.EntryAddedListener<String, Long>, com.hazelcast.map.listener.EntryUpdatedListener<String, Long> {
        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, Long> event) {
            onRevoked.accept(event.getKey());
        }

        @Override
        public void entryUpdated(com.hazelcast.core.EntryEvent<String, Long> event) {
            onRevoked.accept(event.getKey());
        }
    }
}
