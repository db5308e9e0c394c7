package io.pganalytics.server.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts failures per key (a user name, a client address) across every node and blocks a key for a while once it
 * failed too often: after {@link Policy#failuresBeforeDelay} consecutive failures, each further one blocks the key for
 * a delay that doubles up to {@link Policy#maxDelay}; counts fade after {@link Policy#forgetAfter} without a failure.
 * Failures are counted by an entry processor on the member that owns the key, with the caller's clock, so every node
 * agrees. Values are {@code long[]} and the processor a {@link DataSerializable}: nothing here uses Java serialization
 * (Helidon installs a JVM-wide filter that rejects it).
 */
public final class FailureThrottle {
    private static final int MAX_KEY_LENGTH = 120;
    private static final int COUNT = 0;
    private static final int LAST_FAILURE = 1;
    private static final int BLOCKED_UNTIL = 2;

    /**
     * @param failuresBeforeDelay consecutive failures allowed before a key is blocked
     * @param initialDelay        the first block, doubled by each further failure
     * @param maxDelay            the longest block
     * @param forgetAfter         a key's count starts over after this long without a failure
     */
    public record Policy(int failuresBeforeDelay, Duration initialDelay, Duration maxDelay, Duration forgetAfter) {
    }

    private final IMap<String, long[]> map;
    private final Clock clock;

    public FailureThrottle(HazelcastInstance hazelcast, String mapName, Clock clock) {
        this.map = hazelcast.getMap(mapName);
        this.clock = clock;
    }

    /** How long the most blocked of these keys stays blocked, or empty when none is. */
    public Optional<Duration> blockedFor(Collection<String> keys) {
        long now = clock.millis();
        Map<String, long[]> current = map.getAll(Set.copyOf(keys.stream().map(FailureThrottle::bounded).toList()));
        long blockedUntil = 0;
        for (long[] failures : current.values()) {
            blockedUntil = Math.max(blockedUntil, failures[BLOCKED_UNTIL]);
        }
        return blockedUntil > now ? Optional.of(Duration.ofMillis(blockedUntil - now)) : Optional.empty();
    }

    public void recordFailure(String key, Policy policy) {
        map.executeOnKey(bounded(key), new RecordFailure(clock.millis(), policy.failuresBeforeDelay(),
                policy.initialDelay().toMillis(), policy.maxDelay().toMillis(), policy.forgetAfter().toMillis()));
    }

    /** Starts a key's count over (a user who signed in successfully). */
    public void forget(String key) {
        map.delete(bounded(key));
    }

    /** Seconds to tell a person, rounded up: never "0 s". */
    public static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    private static String bounded(String key) {
        return key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) : key;
    }

    /** Counts one failure; runs on the member that owns the key. */
    public static final class RecordFailure implements EntryProcessor<String, long[], long[]>, DataSerializable {
        private long nowMillis;
        private int threshold;
        private long initialDelayMillis;
        private long maxDelayMillis;
        private long forgetAfterMillis;

        /** For Hazelcast, which reads the fields with {@link #readData}. */
        public RecordFailure() {
        }

        RecordFailure(long nowMillis, int threshold, long initialDelayMillis, long maxDelayMillis, long forgetAfterMillis) {
            this.nowMillis = nowMillis;
            this.threshold = threshold;
            this.initialDelayMillis = initialDelayMillis;
            this.maxDelayMillis = maxDelayMillis;
            this.forgetAfterMillis = forgetAfterMillis;
        }

        @Override
        public long[] process(Map.Entry<String, long[]> entry) {
            long[] previous = entry.getValue();
            long count = previous == null || nowMillis - previous[LAST_FAILURE] > forgetAfterMillis ? 1 : previous[COUNT] + 1;
            long blockedUntil = 0;
            if (count >= threshold) {
                int doublings = (int) Math.min(count - threshold, 40);
                long delay = Math.min(maxDelayMillis, initialDelayMillis << doublings);
                blockedUntil = nowMillis + (delay <= 0 ? maxDelayMillis : delay);
            }
            long[] next = {count, nowMillis, blockedUntil};
            long ttl = Math.max(forgetAfterMillis, blockedUntil - nowMillis) + 1000;
            ((ExtendedMapEntry<String, long[]>) entry).setValue(next, ttl, TimeUnit.MILLISECONDS);
            return next;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(nowMillis);
            out.writeInt(threshold);
            out.writeLong(initialDelayMillis);
            out.writeLong(maxDelayMillis);
            out.writeLong(forgetAfterMillis);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            nowMillis = in.readLong();
            threshold = in.readInt();
            initialDelayMillis = in.readLong();
            maxDelayMillis = in.readLong();
            forgetAfterMillis = in.readLong();
        }
    }
}
