package io.pganalytics.server.live;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open stream's mailbox: bounded, dropping its oldest event when full, so that the topic's listener (and behind
 * it the ingest) never waits for a slow client.
 */
final class Subscriber {
    private final long instanceId;
    private final String userId;
    private final String sessionId;
    private final ArrayBlockingQueue<LiveEvent> queue;
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param userId    who opened the stream (for the per-user cap)
     * @param sessionId the sign-in session it was opened with: the stream ends with it
     */
    Subscriber(long instanceId, String userId, String sessionId, int capacity) {
        this.instanceId = instanceId;
        this.userId = userId;
        this.sessionId = sessionId;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    long instanceId() {
        return instanceId;
    }

    String userId() {
        return userId;
    }

    String sessionId() {
        return sessionId;
    }

    /** Adds an event, dropping the oldest ones while full; returns how many were dropped. */
    int offer(LiveEvent event) {
        int drops = 0;
        while (!queue.offer(event)) {
            if (queue.poll() != null) {
                drops++;
            }
        }
        dropped.addAndGet(drops);
        return drops;
    }

    /** The next event, or null after {@code timeout} without one. */
    LiveEvent next(Duration timeout) throws InterruptedException {
        return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private volatile String endReason = "the server node is shutting down";

    /** Ends the stream: whatever waits is discarded and the reader sees {@link LiveEvent#END}. */
    void end() {
        queue.clear();
        offer(LiveEvent.END);
    }

    /** Ends the stream, telling the client why. */
    void end(String reason) {
        endReason = reason;
        end();
    }

    String endReason() {
        return endReason;
    }

    long dropped() {
        return dropped.get();
    }
}
