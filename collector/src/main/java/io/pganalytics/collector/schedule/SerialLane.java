package io.pganalytics.collector.schedule;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs its tasks one at a time on a shared worker pool, handing the worker back after each task so that the
 * lanes of all targets interleave fairly: a slow target holds at most one worker per lane.
 */
final class SerialLane {
    private final Executor workers;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean active = new AtomicBoolean();

    SerialLane(Executor workers) {
        this.workers = workers;
    }

    void submit(Runnable task) {
        queue.add(task);
        schedule();
    }

    private void schedule() {
        if (!queue.isEmpty() && active.compareAndSet(false, true)) {
            try {
                workers.execute(this::runOne);
            } catch (RejectedExecutionException e) {
                active.set(false);
                queue.clear();
            }
        }
    }

    private void runOne() {
        try {
            Runnable task = queue.poll();
            if (task != null) {
                task.run();
            }
        } finally {
            active.set(false);
            schedule();
        }
    }
}
