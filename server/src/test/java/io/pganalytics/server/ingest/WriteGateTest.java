package io.pganalytics.server.ingest;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteGateTest {

    @Test
    void whenEveryWriterIsBusyAndTheQueueIsFullTheCallerIsToldToRetryLater() {
        WriteGate gate = new WriteGate(1, 0, Duration.ofSeconds(5));
        gate.acquire();
        ApiException e = assertThrows(ApiException.class, gate::acquire);
        assertEquals(ErrorType.RATE_LIMITED, e.type());
        assertTrue(e.retryAfter().isPresent());
        gate.release();
        gate.acquire();
        gate.release();
    }

    @Test
    void aWaitingBatchGivesUpAfterTheWait() {
        WriteGate gate = new WriteGate(1, 10, Duration.ofMillis(50));
        gate.acquire();
        assertEquals(ErrorType.RATE_LIMITED, assertThrows(ApiException.class, gate::acquire).type());
        assertEquals(0, gate.waiting(), "a batch that gave up no longer counts as waiting");
        gate.release();
    }

    @Test
    void refusedCollectorsAreSpreadOverTheTimeTheBacklogTakesNotAllSentBackAtOnce() {
        WriteGate gate = new WriteGate(1, 0, Duration.ofSeconds(5));
        gate.acquire();
        java.util.Set<Duration> delays = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            Duration delay = assertThrows(ApiException.class, gate::acquire).retryAfter().orElseThrow();
            assertTrue(delay.compareTo(Duration.ofSeconds(2)) >= 0 && delay.compareTo(Duration.ofSeconds(60)) <= 0,
                    "Retry-After " + delay + " within [2 s, 60 s]");
            delays.add(delay);
        }
        assertTrue(delays.size() > 10, "500 refusals with nothing written get many different delays: " + delays);
        gate.release();
    }
}
