package io.pganalytics.server.collectors;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Slows down guessing of registration tokens per client address, across every node (the idea of auth's login
 * throttle, in a map of its own, {@value #MAP}): failed registrations are counted by an entry processor on the member
 * that owns the address; past the threshold each further failure blocks the address for a delay that doubles up to a
 * cap, and an attempt while blocked gets 429 with Retry-After before its token is looked at. Counts fade after
 * {@code forget-after} without a failure. Values are {@code long[]}, the processor a {@link DataSerializable}: no Java
 * serialization.
 */
final class RegistrationThrottle {
    static final String MAP = "pga.registration-failures";
    private static final int MAX_KEY_LENGTH = 80;
    private static final int COUNT = 0;
    private static final int LAST_FAILURE = 1;
    private static final int BLOCKED_UNTIL = 2;

    private final IMap<String, long[]> map;
    private final Clock clock;
    private final int threshold;
    private final long initialDelayMillis;
    private final long maxDelayMillis;
    private final long forgetAfterMillis;

    RegistrationThrottle(HazelcastInstance hazelcast, Clock clock, CollectorsConfig config) {
        this.map = hazelcast.getMap(MAP);
        this.clock = clock;
        this.threshold = config.registrationFailuresBeforeDelay();
        this.initialDelayMillis = config.registrationInitialDelay().toMillis();
        this.maxDelayMillis = config.registrationMaxDelay().toMillis();
        this.forgetAfterMillis = config.registrationForgetAfter().toMillis();
    }

    /** @throws ApiException rate limited, with the time to wait, when the address is blocked */
    void checkAllowed(String address) {
        long[] failures = map.get(key(address));
        long now = clock.millis();
        if (failures != null && failures[BLOCKED_UNTIL] > now) {
            Duration wait = Duration.ofMillis(failures[BLOCKED_UNTIL] - now);
            throw ApiException.rateLimited("too many failed registrations from this address: try again in "
                    + Math.max(1, (wait.toMillis() + 999) / 1000) + " s", wait);
        }
    }

    void recordFailure(String address) {
        map.executeOnKey(key(address), new RecordFailure(clock.millis(), threshold, initialDelayMillis, maxDelayMillis, forgetAfterMillis));
    }

    private static String key(String address) {
        return address.length() > MAX_KEY_LENGTH ? address.substring(0, MAX_KEY_LENGTH) : address;
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
