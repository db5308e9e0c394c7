package io.pganalytics.console.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps IO off the FX thread: work runs on a small pool of daemon threads and its result is handed to the UI
 * executor ({@code Platform::runLater} in the application, the calling thread in view-model tests).
 * <p>
 * The pool's queue is bounded ({@link #QUEUE_CAPACITY}): when a slow server lets requests pile up, the newest are
 * refused at once with {@link Busy} through their failure callback (so every caller hears back exactly once), and the
 * person is told, at most once per {@link #NOTICE_EVERY}.
 */
public final class Background implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Background.class);
    public static final int IO_THREADS = 4;
    /** Requests waiting for an IO thread; a dashboard refresh is about ten. */
    public static final int QUEUE_CAPACITY = 64;
    static final Duration NOTICE_EVERY = Duration.ofSeconds(30);

    /** Work refused because {@link #QUEUE_CAPACITY} requests are already waiting. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final ExecutorService io;
    private final ScheduledExecutorService timers;
    private final Executor ui;
    private final Notices notices;
    private final AtomicLong lastNoticeNanos = new AtomicLong(System.nanoTime() - NOTICE_EVERY.toNanos() - 1);

    public Background(ExecutorService io, ScheduledExecutorService timers, Executor ui, Notices notices) {
        this.io = io;
        this.timers = timers;
        this.ui = ui;
        this.notices = notices;
    }

    /**
     * {@link #IO_THREADS} IO threads behind a queue of {@link #QUEUE_CAPACITY} and one timer thread, all daemons, results
     * delivered through {@code ui}; {@code notices} hears when work is refused.
     */
    public static Background withDaemonThreads(Executor ui, Notices notices) {
        ThreadPoolExecutor io = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), daemons("pga-io"), new ThreadPoolExecutor.AbortPolicy());
        return new Background(io, timers(), ui, notices);
    }

    /** Runs everything on the calling thread: for view-model tests. */
    public static Background direct() {
        return new Background(new DirectExecutorService(), timers(), Runnable::run, new Notices() {
            @Override
            public void info(String title, String sentence) {
                LOG.info("{}: {}", title, sentence);
            }

            @Override
            public void error(String title, String sentence) {
                LOG.warn("{}: {}", title, sentence);
            }
        });
    }

    /** Runs {@code work} off the UI thread; exactly one of the callbacks then runs on the UI thread. */
    public <T> CompletableFuture<T> run(Callable<T> work, Consumer<? super T> onSuccess, Consumer<? super Throwable> onFailure) {
        CompletableFuture<T> future;
        try {
            future = CompletableFuture.supplyAsync(() -> {
                try {
                    return work.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, io);
        } catch (RejectedExecutionException e) {
            Busy busy = refused();
            ui.execute(() -> onFailure.accept(busy));
            return CompletableFuture.failedFuture(busy);
        }
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

    private Busy refused() {
        Busy busy = new Busy("The console is busy: " + QUEUE_CAPACITY + " requests are already waiting for the server, "
                + "so this one was skipped.");
        long last = lastNoticeNanos.get();
        long now = System.nanoTime();
        if (now - last > NOTICE_EVERY.toNanos() && lastNoticeNanos.compareAndSet(last, now)) {
            LOG.warn("the IO queue is full ({} waiting); refusing new requests until it drains", QUEUE_CAPACITY);
            ui.execute(() -> notices.info("The server is slow to answer",
                    "The console skipped some refreshes while " + QUEUE_CAPACITY + " requests wait for the server."));
        }
        return busy;
    }

    /** Cancelled timers leave the queue at once: a closed screen's refresh must not keep the screen in memory. */
    private static ScheduledExecutorService timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemons("pga-timer"));
        timers.setRemoveOnCancelPolicy(true);
        return timers;
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
