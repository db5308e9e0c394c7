package io.pganalytics.server.query;

import java.util.function.Supplier;

/** Where query answers are kept between requests: {@link HazelcastQueryCache}, or {@link #OFF} when turned off. */
interface QueryCache {
    /** The scope of answers about the whole fleet; instance ids start at 1. */
    long FLEET = 0;

    /** The cache turned off ({@code query.cache-ttl: 0s}): every request computes, with no "if" on the hot path. */
    QueryCache OFF = new QueryCache() {
        @Override
        public <T> T get(long scope, String key, Class<T> type, Supplier<T> compute) {
            return compute.get();
        }

        @Override
        public void invalidate(long instanceId) {
        }

        @Override
        public long nearCacheHits() {
            return 0;
        }
    };

    /** The cached answer for {@code key} about {@code scope} (an instance id or {@link #FLEET}), or {@code compute}'s. */
    <T> T get(long scope, String key, Class<T> type, Supplier<T> compute);

    /** New data arrived for the instance: forget its answers and the fleet's. */
    void invalidate(long instanceId);

    /** Near-cache hits on this member (diagnostics and tests). */
    long nearCacheHits();
}
