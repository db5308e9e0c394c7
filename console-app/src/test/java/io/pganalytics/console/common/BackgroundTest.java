package io.pganalytics.console.common;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's IO pool with real threads: bounded, and what happens to work beyond the bound. */
@Tag("fault-and-attack")
class BackgroundTest {

    @Test
    void aFullQueueRefusesTheNewestWorkAndTellsThePersonOnce() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        Notices recording = new Notices() {
            @Override
            public void info(String title, String sentence) {
                notices.add(title + ": " + sentence);
            }

            @Override
            public void error(String title, String sentence) {
                notices.add(title + ": " + sentence);
            }
        };
        CountDownLatch server = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        try (Background background = Background.withDaemonThreads(Runnable::run, recording)) {
            int accepted = Background.IO_THREADS + Background.QUEUE_CAPACITY;
            for (int i = 0; i < accepted; i++) {
                background.run(() -> server.await(30, TimeUnit.SECONDS), ok -> done.incrementAndGet(), refused::add);
            }
            for (int i = 0; i < 10; i++) {
                background.run(() -> server.await(30, TimeUnit.SECONDS), ok -> done.incrementAndGet(), refused::add);
            }
            assertEquals(10, refused.size(), "work beyond the queue is refused at once, not queued without end");
            refused.forEach(failure -> assertInstanceOf(Background.Busy.class, failure));
            assertTrue(refused.getFirst().getMessage().startsWith("The console is busy"), refused.getFirst().getMessage());
            assertEquals(1, notices.size(), "one notice, not one per refused request: " + notices);
            server.countDown();
            waitUntil(() -> done.get() == accepted, "the accepted work completes");
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
