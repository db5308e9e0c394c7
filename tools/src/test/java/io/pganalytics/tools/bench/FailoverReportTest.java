package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failover bench's per-fault figures from what its clients saw. */
class FailoverReportTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aFaultNoRequestFailedInHasZeroFailoverTime() {
        FailoverReport.Row row = FailoverReport.row("haproxy", "kill", 10 * S, 20 * S,
                List.of(ok(11, 12), ok(13, 14)), List.of(), 5, 0, 0, null);
        assertEquals(2, row.requests());
        assertEquals(0, row.failedRequests());
        assertEquals(0.0, row.failoverSeconds());
    }

    @Test
    void failoverTimeRunsFromTheFaultToTheEndOfItsWindowsLastFailedRequest() {
        FailoverReport.Row row = FailoverReport.row("nginx", "kill", 10 * S, 20 * S,
                List.of(failed(9, 10), ok(10, 11), failed(11, 12), failed(12, 13) , ok(13, 14), failed(25, 26)),
                List.of(), 5, 0, 0, null);
        assertEquals(4, row.requests(), "requests started before the fault or after its window are another window's");
        assertEquals(2, row.failedRequests());
        assertEquals(3.0, row.failoverSeconds(), 1e-9);
    }

    @Test
    void aFailureAfterRequestsSucceededAgainIsCountedAndNamedButNotTimed() {
        FailoverReport.Row row = FailoverReport.row("haproxy", "kill", 10 * S, 60 * S,
                List.of(failed(11, 12), ok(12, 13), failed(48, 49), ok(49, 50)), List.of(), 5, 0, 0, null);
        assertEquals(2, row.failedRequests());
        assertEquals(2.0, row.failoverSeconds(), 1e-9, "the failover ends when requests succeed again");
        assertTrue(row.note().contains("HTTP 503 at +38.0 s"), row.note());
    }

    @Test
    void theStreamReconnectionIsTheLongestDropOfTheWindowAndNeverWhenOneDidNotComeBack() {
        FailoverReport.Row back = FailoverReport.row("haproxy", "stop", 10 * S, 20 * S, List.of(),
                List.of(new FailoverClients.Reconnect(0, 11 * S, 11 * S + S / 2), new FailoverClients.Reconnect(1, 12 * S, 14 * S),
                        new FailoverClients.Reconnect(2, 30 * S, 31 * S)), 0, 0, 0, null);
        assertEquals(2, back.streamDrops());
        assertEquals(2.0, back.reconnectSeconds(), 1e-9);
        FailoverReport.Row never = FailoverReport.row("haproxy", "stop", 10 * S, 20 * S, List.of(),
                List.of(new FailoverClients.Reconnect(0, 11 * S, 0)), 0, 0, 0, null);
        assertTrue(Double.isInfinite(never.reconnectSeconds()));
        assertTrue(print(List.of(never)).contains("| never |"), print(List.of(never)));
    }

    @Test
    void aLostOrDuplicatedBatchFailsTheRunAndSlownessDoesNot() {
        FailoverReport.Row slow = FailoverReport.row("nginx", "db-restart", 0, 100 * S, List.of(failed(1, 40)), List.of(), 9, 0, 0, null);
        assertTrue(FailoverReport.pass(List.of(slow)), "a long failover is a figure, not a failure");
        assertFalse(FailoverReport.pass(List.of(slow, FailoverReport.row("nginx", "kill", 0, S, List.of(), List.of(), 9, 1, 0, null))));
        assertFalse(FailoverReport.pass(List.of(FailoverReport.row("nginx", "kill", 0, S, List.of(), List.of(), 9, 0, 1, null))));
    }

    @Test
    void theTableHasARowPerFaultWithItsFigures() {
        String table = print(List.of(FailoverReport.row("haproxy", "kill -9 of node 2", 10 * S, 20 * S,
                List.of(failed(11, 11), ok(12, 13)), List.of(), 42, 0, 0, null)));
        assertTrue(table.contains("| haproxy | kill -9 of node 2 | 1 of 2 | 1.00 s | - | 0 of 42 | 0 | 0 | - |"), table);
    }

    @Test
    void theDatabaseOutageReportsTheRecoveryFromItsReturnToTheFirstSuccessStartedAfterIt() {
        // the database stopped at 10 s and accepted connections again at 40 s; a request started before the return
        // and one started at the return both fail; the first success started after it ends at 41.5 s
        FailoverReport.Row row = FailoverReport.row("haproxy", "database stopped", 10 * S, 100 * S,
                List.of(failed(12, 13), failed(39, 40), failed(40, 41), new FailoverClients.Request(41 * S, 41 * S + S / 2, true, null),
                        ok(42, 43)), List.of(), 9, 0, 0, null, 40 * S);
        assertEquals(1.5, row.recoverySeconds(), 1e-9);
        assertTrue(print(List.of(row)).contains("| 1.50 s |"), print(List.of(row)));
    }

    @Test
    void thePartitionDropsHazelcastTrafficBothWaysOnTheMembersPortsOnly() {
        List<List<String>> rules = FailoverCommand.Partition.rules("127.0.0.2", new int[]{5701, 5702, 5703});
        assertEquals(2, rules.size());
        assertTrue(rules.get(0).containsAll(List.of("-s", "127.0.0.2", "--ports", "5701,5702,5703", "DROP")), rules.toString());
        assertTrue(rules.get(1).containsAll(List.of("-d", "127.0.0.2", "--ports", "5701,5702,5703", "DROP")), rules.toString());
    }

    private static FailoverClients.Request ok(long from, long to) {
        return new FailoverClients.Request(from * S, to * S, true, null);
    }

    private static FailoverClients.Request failed(long from, long to) {
        return new FailoverClients.Request(from * S, to * S, false, "HTTP 503");
    }

    private static String print(List<FailoverReport.Row> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FailoverReport.print(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
