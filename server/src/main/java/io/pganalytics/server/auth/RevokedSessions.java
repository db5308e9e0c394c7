package io.pganalytics.server.auth;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pganalytics.server.cluster.ClusterCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions whose access tokens must be refused on every node at once, shared through the Hazelcast map
 * {@value #MAP}. An entry lives as long as the longest-lived access token of its session could: after that the
 * tokens have expired on their own and the database (authoritative for refresh tokens) is enough.
 * <p>
 * Every node also remembers the revocations it has heard of (its own and the map's events, at most
 * {@value #LOCAL_LIMIT}): a check answers from that memory first, and when the cluster does not answer within
 * {@code cluster.request-wait} (a member cut off), from that memory alone, so that no request waits on a lost member.
 */
final class RevokedSessions {
    static final String MAP = "pga.revoked-sessions";
    static final int LOCAL_LIMIT = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(RevokedSessions.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final IMap<String, Long> map;
    private final Clock clock;
    private final Duration keepFor;
    private final ClusterCalls calls;
    /** Session id to the epoch millisecond its entry expires. */
    private final Map<String, Long> heard = new ConcurrentHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    RevokedSessions(HazelcastInstance hazelcast, Clock clock, Duration accessTokenTtl) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.keepFor = accessTokenTtl.plus(AccessTokens.CLOCK_SKEW).plusSeconds(30);
        this.calls = ClusterCalls.of(hazelcast);
        map.addEntryListener(new Listener(this::remember), false);
    }

    void revoke(String sessionId) {
        remember(sessionId);
        long until = clock.millis() + keepFor.toMillis();
        map.set(sessionId, until, keepFor.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isRevoked(String sessionId) {
        Long until = heard.get(sessionId);
        if (until != null && until > clock.millis()) {
            return true;
        }
        try {
            return calls.await("look up a revoked session", map.getAsync(sessionId)) != null;
        } catch (ClusterCalls.ClusterUnavailableException e) {
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                LOG.warn("auth: {}; checking sessions against the {} revocation(s) this node has heard of", e.getMessage(),
                        heard.size());
            }
            return false;
        }
    }

    /** Tells {@code onRevoked} of every session revoked from now on, on any node. */
    void subscribe(java.util.function.Consumer<String> onRevoked) {
        map.addEntryListener(new Listener(onRevoked), false);
    }

    private void remember(String sessionId) {
        long now = clock.millis();
        if (heard.size() >= LOCAL_LIMIT) {
            heard.values().removeIf(until -> until <= now);
        }
        if (heard.size() < LOCAL_LIMIT) {
            heard.put(sessionId, now + keepFor.toMillis());
        }
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
