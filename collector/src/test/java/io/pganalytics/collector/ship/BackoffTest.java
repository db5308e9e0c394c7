package io.pganalytics.collector.ship;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    @Test
    void fullJitterDelaysStayWithinZeroAndTheCappedExponentialCeiling() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), new Random(42));
        for (int attempt = 0; attempt < 80; attempt++) {
            long ceiling = Math.min(30_000, 100L << Math.min(attempt, 20));
            for (int i = 0; i < 200; i++) {
                long delay = backoff.delay(attempt).toMillis();
                assertTrue(delay >= 0 && delay <= ceiling, "attempt " + attempt + ": " + delay + " not in [0, " + ceiling + "]");
            }
        }
    }

    @Test
    void fullJitterSpreadsDelaysOverTheWholeRange() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(7));
        Set<Long> tenths = new HashSet<>();
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long delay = backoff.delay(30).toMillis();
            tenths.add(delay / 1000);
            max = Math.max(max, delay);
        }
        assertEquals(10, tenths.size(), "every tenth of [0, cap] is hit: " + tenths);
        assertTrue(max <= 10_000);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Backoff a = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new Random(3));
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5), new Random(3));
        for (int attempt = 0; attempt < 20; attempt++) {
            assertEquals(a.delay(attempt), b.delay(attempt));
        }
    }
}
