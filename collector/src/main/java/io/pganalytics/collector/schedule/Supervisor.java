package io.pganalytics.collector.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Keeps one long-lived loop of the collector running (the spool writer, the shipper). The loop returns when it was
 * asked to stop; anything it throws is caught here, at the thread's root, counted and logged, and the loop is run
 * again after a backoff (doubling from {@code backoffBase} up to {@code backoffCap}). A loop that fails again and again
 * ({@code maxConsecutiveFailures} times without running {@code healthyAfter} in between) is beyond repair inside the
 * process: the supervisor then calls the process-exit hook with {@link #EXIT_STATUS}, so that the service manager
 * (systemd's {@code Restart=on-failure}) starts a fresh process, which recovers everything from the spool.
 */
public final class Supervisor {
    /** The status the process exits with when a supervised loop cannot be kept running (EX_SOFTWARE). */
    public static final int EXIT_STATUS = 70;
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    /** One run of a supervised loop: returns when asked to stop, throws on a fault. */
    @FunctionalInterface
    public interface Loop {
        void run() throws Exception;
    }

    /**
     * @param maxConsecutiveFailures failures in a row tolerated before the process exits
     * @param healthyAfter           a run that lasted this long before failing starts the count again
     */
    public record Policy(Duration backoffBase, Duration backoffCap, int maxConsecutiveFailures, Duration healthyAfter) {
        public static final Policy DEFAULTS = new Policy(Duration.ofSeconds(1), Duration.ofSeconds(60), 10, Duration.ofMinutes(5));

        public Policy {
            if (backoffBase.isNegative() || backoffCap.compareTo(backoffBase) < 0 || maxConsecutiveFailures < 1) {
                throw new IllegalArgumentException("supervision policy: backoff " + backoffBase + " to " + backoffCap
                        + ", " + maxConsecutiveFailures + " failures");
            }
        }
    }

    private final String name;
    private final Policy policy;
    private final IntConsumer processExit;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean gaveUp;

    /**
     * @param name        names the loop in the log ("spool writer", "shipper collector")
     * @param processExit ends the process with a status (the agent's; a test passes a recorder, never System.exit)
     */
    public Supervisor(String name, Policy policy, IntConsumer processExit) {
        this.name = name;
        this.policy = policy;
        this.processExit = processExit;
    }

    /** Runs {@code loop} until it returns or {@link #stop()} is called; the body of the supervised thread. */
    public void supervise(Loop loop) {
        int consecutive = 0;
        while (true) {
            long started = System.nanoTime();
            try {
                loop.run();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                if (stop.getCount() == 0) {
                    LOG.debug("{}: failed while stopping: {}", name, e.toString());
                    return;
                }
                boolean wasHealthy = System.nanoTime() - started >= policy.healthyAfter().toNanos();
                consecutive = wasHealthy ? 1 : consecutive + 1;
                restarts.incrementAndGet();
                if (consecutive >= policy.maxConsecutiveFailures()) {
                    gaveUp = true;
                    LOG.error("{}: failed {} times in a row; exiting with status {} so that the service manager starts the "
                            + "collector again (the spool keeps every batch)", name, consecutive, EXIT_STATUS, e);
                    processExit.accept(EXIT_STATUS);
                    return;
                }
                Duration wait = backoff(consecutive);
                LOG.error("{}: stopped by an unexpected error (failure {} of at most {} in a row); restarting in {} ms",
                        name, consecutive, policy.maxConsecutiveFailures(), wait.toMillis(), e);
                try {
                    if (stop.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Ends the supervision: a loop that fails from now on is not restarted, a pending restart does not happen. */
    public void stop() {
        stop.countDown();
    }

    /** Times the loop was restarted (or given up) after a failure, since start. */
    public long restarts() {
        return restarts.get();
    }

    /** True once the supervisor asked the process to exit. */
    public boolean gaveUp() {
        return gaveUp;
    }

    private Duration backoff(int consecutive) {
        Duration wait = policy.backoffBase().multipliedBy(1L << Math.min(consecutive - 1, 20));
        return wait.compareTo(policy.backoffCap()) > 0 ? policy.backoffCap() : wait;
    }
}
