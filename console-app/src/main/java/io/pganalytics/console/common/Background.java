package io.pganalytics.console.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Keeps IO off the FX thread: work runs on a small pool of daemon threads and its result is handed to the UI
 * executor ({@code Platform::runLater} in the application, the calling thread in view-model tests).
 */
public final class Background implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);

    private final ExecutorService io;
    private final ScheduledExecutorService timers;
    private final Executor ui;

    public Background(ExecutorService io, ScheduledExecutorService timers, Executor ui) {
        this.io = io;
        this.timers = timers;
        this.ui = ui;
    }

    /** Four IO threads and one timer thread, all daemons, results delivered through {@code ui}. */
    public static Background withDaemonThreads(Executor ui) {
        return new Background(Executors.newFixedThreadPool(4, daemons("pga-io")),
                Executors.newSingleThreadScheduledExecutor(daemons("pga-timer")), ui);
    }

    /** Runs everything on the calling thread: for view-model tests. */
    public static Background direct() {
        return new Background(new DirectExecutorService(), Executors.newSingleThreadScheduledExecutor(daemons("pga-timer")), Runnable::run);
    }

    /** Runs {@code work} off the UI thread; exactly one of the callbacks then runs on the UI thread. */
    public <T> CompletableFuture<T> run(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Throwable> onFailure) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, io);
        future.whenComplete((value, failure) -> ui.execute(() -> {
            if (failure == null) {
                onSuccess.accept(value);
            } else {
                onFailure.accept(failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            }
        }));
        return future;
    }

    /** Runs {@code action} on the UI thread every {@code period}, first after one period; cancel the returned handle. */
    public ScheduledFuture<?> every(Duration period, Runnable action) {
        return timers.scheduleWithFixedDelay(() -> ui.execute(action), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} on the UI thread once, after {@code delay}. */
    public ScheduledFuture<?> after(Duration delay, Runnable action) {
        return timers.schedule(() -> ui.execute(action), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Executor ui() {
        return ui;
    }

    public Executor io() {
        return io;
    }

    @Override
    public void close() {
        io.shutdownNow();
        timers.shutdownNow();
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> LOG.error("{}: uncaught", t.getName(), e));
            return thread;
        };
    }

    /** An executor service that runs each task at once on the submitting thread. */
    private static final class DirectExecutorService extends java.util.concurrent.AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public java.util.List<Runnable> shutdownNow() {
            shutdown = true;
            return java.util.List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
