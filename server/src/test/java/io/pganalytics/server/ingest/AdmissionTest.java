package io.pganalytics.server.ingest;

import io.pganalytics.common.api.ErrorType;
import io.pganalytics.server.http.ApiException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("fault-and-attack")
class AdmissionTest {

    @Test
    void whenEveryPlaceIsTakenTheCallerIsToldToRetryLater() {
        Admission admission = new Admission(1, 4, 1 << 20, 1 << 20);
        Admission.Place place = admission.admit("c-1");
        ApiException e = assertThrows(ApiException.class, () -> admission.admit("c-1"));
        assertEquals(ErrorType.RATE_LIMITED, e.type());
        assertTrue(e.retryAfter().isPresent());
        place.close();
        admission.admit("c-1").close();
        assertEquals(0, admission.admitted());
    }

    @Test
    void bodiesBeyondTheNodesByteBudgetAreRefusedAsTheyAreReadAndTheirBytesAreGivenBack() throws IOException {
        Admission admission = new Admission(4, 4, 1000, 800);
        Admission.Place first = admission.admit("c-1");
        assertEquals(600, first.meter(new ByteArrayInputStream(new byte[600])).readAllBytes().length);
        try (Admission.Place second = admission.admit("c-1")) {
            InputStream body = second.meter(new ByteArrayInputStream(new byte[600]));
            IOException e = assertThrows(IOException.class, body::readAllBytes);
            ApiException refusal = assertInstanceOf(ApiException.class, e.getCause());
            assertEquals(ErrorType.RATE_LIMITED, refusal.type());
        }
        assertEquals(600, admission.admittedBytes(), "the refused body's bytes were given back");
        first.close();
        assertEquals(0, admission.admittedBytes());
    }

    @Test
    void aBodyTooLargeForAnyBudgetIsLeftToTheDecodersLimitNotRefusedForRetry() throws IOException {
        Admission admission = new Admission(4, 4, 1000, 800);
        try (Admission.Place place = admission.admit("c-1")) {
            assertEquals(2000, place.meter(new ByteArrayInputStream(new byte[2000])).readAllBytes().length,
                    "BatchDecoder's limit answers 413 for it: a 429 would bring it back forever");
        }
    }

    @Test
    void refusedCollectorsAreSpreadOverTheTimeTheBacklogTakesNotAllSentBackAtOnce() {
        Admission admission = new Admission(1, 4, 1 << 20, 1 << 20);
        Admission.Place place = admission.admit("c-1");
        java.util.Set<Duration> delays = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            Duration delay = assertThrows(ApiException.class, () -> admission.admit("c-1")).retryAfter().orElseThrow();
            assertTrue(delay.compareTo(Duration.ofSeconds(2)) >= 0 && delay.compareTo(Duration.ofSeconds(60)) <= 0,
                    "Retry-After " + delay + " within [2 s, 60 s]");
            delays.add(delay);
        }
        assertTrue(delays.size() > 10, "500 refusals with nothing written get many different delays: " + delays);
        place.close();
    }

    @Test
    void aCollectorBeyondItsShareOfPlacesIsRefusedAloneAndGetsItsPlaceBackWhenOneIsAnswered() {
        Admission admission = new Admission(6, 2, 1 << 20, 1 << 20);
        Admission.Place first = admission.admit("greedy");
        admission.admit("greedy");
        ApiException e = assertThrows(ApiException.class, () -> admission.admit("greedy"));
        assertEquals(ErrorType.RATE_LIMITED, e.type());
        assertTrue(e.retryAfter().isPresent());
        assertTrue(e.getMessage().contains("ingest.max-places-per-collector"), e.getMessage());
        admission.admit("modest").close();
        first.close();
        admission.admit("greedy");
        assertEquals(2, admission.admitted());
    }
}
