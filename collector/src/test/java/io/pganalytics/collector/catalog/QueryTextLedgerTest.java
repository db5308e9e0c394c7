package io.pganalytics.collector.catalog;

import io.pganalytics.collector.catalog.QueryTextLedger.TextKey;
import io.pganalytics.collector.testing.Samples;
import io.pganalytics.common.wire.TargetRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QueryTextLedgerTest {
    private static final TargetRef A = Samples.target("a");
    private static final TargetRef B = Samples.target("b");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TextKey K1 = new TextKey(1, 10);
    private static final TextKey K2 = new TextKey(1, 11);

    @Test
    void aClaimHoldsUntilItLapsesAndAnAcknowledgementHoldsForever() {
        QueryTextLedger ledger = new QueryTextLedger(100, Duration.ofMinutes(10));
        assertEquals(List.of(K1, K2), ledger.claim(A, List.of(K1, K2), T0));
        assertEquals(List.of(), ledger.claim(A, List.of(K1, K2), T0.plusSeconds(599)));
        ledger.acknowledged(A, List.of(K1));
        assertEquals(List.of(K2), ledger.claim(A, List.of(K1, K2), T0.plusSeconds(600)), "K2's claim lapsed; K1 is acknowledged");
        assertEquals(List.of(), ledger.claim(A, List.of(K1), T0.plus(Duration.ofDays(30))));
    }

    @Test
    void aLostTextIsClaimedAgainButALossNeverUndoesAnAcknowledgement() {
        QueryTextLedger ledger = new QueryTextLedger(100, Duration.ofHours(1));
        ledger.claim(A, List.of(K1, K2), T0);
        ledger.acknowledged(A, List.of(K1));
        ledger.lost(A, List.of(K1, K2));
        assertEquals(List.of(K2), ledger.claim(A, List.of(K1, K2), T0.plusSeconds(1)));
    }

    @Test
    void targetsAreKeptApart() {
        QueryTextLedger ledger = new QueryTextLedger(100, Duration.ofHours(1));
        ledger.claim(A, List.of(K1), T0);
        ledger.acknowledged(A, List.of(K1));
        assertEquals(List.of(K1), ledger.claim(B, List.of(K1), T0));
    }

    @Test
    void theLeastRecentlyWantedKeysAreForgottenPastTheBound() {
        QueryTextLedger ledger = new QueryTextLedger(2, Duration.ofHours(1));
        TextKey k3 = new TextKey(1, 12);
        ledger.claim(A, List.of(K1, K2), T0);
        ledger.acknowledged(A, List.of(K1, K2));
        ledger.claim(A, List.of(K1), T0);        // K1 wanted again: K2 is now the eldest
        ledger.claim(A, List.of(k3), T0);
        assertEquals(2, ledger.size(A));
        assertEquals(List.of(K2), ledger.claim(A, List.of(K1, K2), T0), "K2 was forgotten, so it is sent again");
        assertThrows(IllegalArgumentException.class, () -> new QueryTextLedger(0, Duration.ofHours(1)));
    }
}
