package io.pganalytics.tools.demo;

import io.pganalytics.collector.CollectorAgent;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a demo has started, stopped in reverse order: the workload first (no new load), then the collector (what it
 * collected goes to its spool on disk, to be shipped at the next run if the server is gone), the console, and the
 * server last (SIGTERM: it drains requests and stops its embedded PostgreSQL). Called from the main thread and from
 * the shutdown hook: the first call stops, a second one waits for it; a part started after the stop is stopped at once.
 */
final class DemoRun implements AutoCloseable {
    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private ServerProcess server;
    private CollectorAgent agent;
    private DemoWorkload workload;
    private Process console;
    private volatile boolean closing;
    private boolean closed;

    DemoRun(PrintStream out) {
        this.out = out;
    }

    synchronized ServerProcess server(ServerProcess started) {
        server = started;
        stopIfClosed();
        return started;
    }

    synchronized void agent(CollectorAgent started) {
        agent = started;
        stopIfClosed();
    }

    synchronized void workload(DemoWorkload started) {
        workload = started;
        stopIfClosed();
    }

    synchronized void console(Process started) {
        console = started;
        stopIfClosed();
    }

    boolean closing() {
        return closing;
    }

    /** Blocks until {@code until} (forever when empty) or until the demo is being stopped. */
    void awaitStop(Optional<Instant> until) throws InterruptedException {
        if (until.isEmpty()) {
            stop.await();
        } else {
            long nanos = Duration.between(Instant.now(), until.get()).toNanos();
            if (nanos > 0) {
                stop.await(nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void stopIfClosed() {
        if (closed) {
            closed = false;
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closing = true;
        stop.countDown();
        if (workload != null) {
            out.println("stopping the workload...");
            Map<DemoWorkload.Part, Long> counts = workload.counts();
            workload.close();
            out.println("  ran " + counts.get(DemoWorkload.Part.TPCB) + " TPC-B transactions, "
                    + counts.get(DemoWorkload.Part.SLOW_REPORT) + " slow reports, " + counts.get(DemoWorkload.Part.LOCK_WAIT)
                    + " lock waits, " + counts.get(DemoWorkload.Part.MISSING_INDEX) + " unindexed lookups; "
                    + workload.failures() + " failures");
            workload = null;
        }
        if (agent != null) {
            out.println("stopping the collector (what it collected is kept in its spool)...");
            agent.close();
            agent = null;
        }
        if (console != null) {
            console.destroy();
            console = null;
        }
        if (server != null) {
            out.println("stopping the server (pid " + server.pid() + ")...");
            server.close();
            // A JVM ended by SIGTERM (or by Ctrl-C, which reaches the server too) exits with 143 (130) after its
            // shutdown hooks ran: that is the clean stop.
            out.println(server.exitStatus().filter(s -> s != 0 && s != 143 && s != 130)
                    .map(s -> "  the server exited with status " + s + ": see " + server.log())
                    .orElse("  server stopped"));
            server = null;
        }
        closed = true;
        out.println("demo stopped");
    }
}
