package io.pganalytics.server.auth;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.pganalytics.server.http.ApiException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Slows down password guessing, per user name and per client address, across every node: failures are counted
 * in the Hazelcast map {@value #MAP} by entry processors (atomic on the member that owns the key). After the
 * threshold, each further failure blocks the key for a delay that doubles up to a cap; an attempt while blocked
 * gets 429 with Retry-After without its password being checked. A successful login clears its user name's count;
 * an address's count only fades ({@code forget-after} without a failure), so that signing in to one's own account
 * does not reset a spray across others. Unknown and known user names are counted alike.
 * <p>
 * Nothing here uses Java serialization (Helidon installs a JVM-wide filter that rejects it, rightly): a count is a
 * {@code long[]} and the entry processor is a Hazelcast {@link DataSerializable}.
 */
final class LoginThrottle {
    static final String MAP = "pga.login-failures";
    private static final int MAX_KEY_LENGTH = 80;
    /** A key's value: consecutive failures, the last one's time, and until when it is blocked (epoch millis, 0: not). */
    private static final int COUNT = 0;
    private static final int LAST_FAILURE = 1;
    private static final int BLOCKED_UNTIL = 2;

    private final IMap<String, long[]> map;
    private final Clock clock;
    private final int userThreshold;
    private final int addressThreshold;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final long forgetAfterMillis;

    LoginThrottle(HazelcastInstance hazelcast, Clock clock, AuthConfig config) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.userThreshold = config.userFailuresBeforeDelay();
        this.addressThreshold = config.addressFailuresBeforeDelay();
        this.initialDelayMillis = config.initialDelay().toMillis();
        this.maxDelayMillis = config.maxDelay().toMillis();
        this.forgetAfterMillis = config.forgetFailuresAfter().toMillis();
    }

    /** @throws ApiException rate limited, with the time to wait, when the user name or the address is blocked */
    void checkAllowed(String username, String address) {
        long now = clock.millis();
        Map<String, long[]> current = map.getAll(Set.of(userKey(username), addressKey(address)));
        long blockedUntil = 0;
        for (long[] failures : current.values()) {
            blockedUntil = Math.max(blockedUntil, failures[BLOCKED_UNTIL]);
        }
        if (blockedUntil > now) {
            Duration wait = Duration.ofMillis(blockedUntil - now);
            throw ApiException.rateLimited("too many failed sign-ins: try again in " + Math.max(1, (wait.toMillis() + 999) / 1000)
                    + " s", wait);
        }
    }

    void recordFailure(String username, String address) {
        long now = clock.millis();
        map.executeOnKey(userKey(username), new RecordFailure(now, userThreshold, initialDelayMillis, maxDelayMillis, forgetAfterMillis));
        map.executeOnKey(addressKey(address), new RecordFailure(now, addressThreshold, initialDelayMillis, maxDelayMillis, forgetAfterMillis));
    }

    void recordSuccess(String username) {
        map.delete(userKey(username));
    }

    private static String userKey(String username) {
        String name = username.toLowerCase(Locale.ROOT);
        return "user:" + (name.length() > MAX_KEY_LENGTH ? name.substring(0, MAX_KEY_LENGTH) : name);
    }

    private static String addressKey(String address) {
        return "addr:" + (address.length() > MAX_KEY_LENGTH ? address.substring(0, MAX_KEY_LENGTH) : address);
    }

    /** Counts one failure; runs on the member that owns the key, with the caller's clock so that every node agrees. */
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
