package io.pganalytics.server.cluster;

import com.hazelcast.core.HazelcastInstance;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits on the cluster for request paths. Hazelcast's own calls wait until the member that owns a key answers
 * or is removed ({@code cluster.member-timeout}); a request waits at most {@code cluster.request-wait} and then takes its
 * fallback (the database decides, or the answer is computed without the cache), so a member cut off from the network
 * never stalls requests on the others for longer than that. The call itself is not cancelled: it completes or fails in
 * the background.
 */
public final class ClusterCalls {
    /** The member configuration property that carries {@code cluster.request-wait} to the features, in milliseconds. */
    static final String REQUEST_WAIT_PROPERTY = "pganalytics.cluster.request-wait.millis";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);

    private final Duration wait;

    public ClusterCalls(Duration wait) {
        this.wait = wait;
    }

    /** The bound configured for {@code hazelcast}'s member (started by {@link ClusterModule}), else 1 s. */
    public static ClusterCalls of(HazelcastInstance hazelcast) {
        String millis = hazelcast.getConfig().getProperty(REQUEST_WAIT_PROPERTY);
        return new ClusterCalls(millis == null ? DEFAULT_WAIT : Duration.ofMillis(Long.parseLong(millis)));
    }

    public Duration bound() {
        return wait;
    }

    /**
     * The call's result, waiting at most the bound.
     *
     * @throws ClusterUnavailableException when it does not answer in time or fails (Hazelcast's exceptions are
     *                                     unchecked and many: every one means the same here)
     */
    public <T> T await(String what, CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ClusterUnavailableException("the cluster did not answer " + what + " within " + wait.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new ClusterUnavailableException("the cluster could not " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while the cluster was asked to " + what, e);
        }
    }

    /** The cluster did not answer within the request's bound, or failed: the caller takes its fallback. */
    public static final class ClusterUnavailableException extends RuntimeException {
        ClusterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
