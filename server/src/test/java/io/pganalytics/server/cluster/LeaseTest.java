package io.pganalytics.server.cluster;

import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job leases across two real Hazelcast members in this JVM (a third one joins to die). */
class LeaseTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static HazelcastMembers cluster;
    private static ClusterModule nodeA;
    private static ClusterModule nodeB;
    private static JobLeases leasesA;
    private static JobLeases leasesB;

    @BeforeAll
    static void start() {
        cluster = new HazelcastMembers(3);
        nodeA = cluster.start(0, 1);
        nodeB = cluster.start(1, 2);
        leasesA = new JobLeases(nodeA.hazelcast(), TTL);
        leasesB = new JobLeases(nodeB.hazelcast(), TTL);
    }

    @AfterAll
    static void stop() {
        leasesA.close();
        leasesB.close();
        nodeB.close();
        nodeA.close();
    }

    private static String newJob() {
        return "job-" + UUID.randomUUID();
    }

    @Test
    void onlyOneOfTwoNodesTakesALeaseWhenBothTryAtOnce() throws Exception {
        String job = newJob();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Optional<JobLeases.Lease>>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                JobLeases leases = i % 2 == 0 ? leasesA : leasesB;
                attempts.add(() -> leases.tryAcquire(job));
            }
            List<JobLeases.Lease> taken = new ArrayList<>();
            for (Future<Optional<JobLeases.Lease>> attempt : pool.invokeAll(attempts)) {
                attempt.get().ifPresent(taken::add);
            }
            assertEquals(1, taken.size(), "exactly one attempt takes the lease");
            taken.getFirst().close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHolderKeepsItsLeaseBeyondTheTtlWhileItsJobRuns() {
        String job = newJob();
        JobLeases.Lease lease = leasesA.tryAcquire(job).orElseThrow();
        long until = System.nanoTime() + TTL.multipliedBy(2).toNanos();
        Eventually.await(TTL.multipliedBy(3), "two TTLs pass with the other node refused throughout", () -> {
            assertTrue(leasesB.tryAcquire(job).isEmpty(), "node B took a lease node A is renewing");
            return System.nanoTime() > until;
        });
        assertTrue(lease.held());
        assertEquals(nodeA.hazelcast().getName(), leasesB.holder(job).orElseThrow());
        lease.close();
    }

    @Test
    void aReleasedLeaseIsTakenByTheOtherNodeAtOnce() {
        String job = newJob();
        JobLeases.Lease lease = leasesA.tryAcquire(job).orElseThrow();
        assertTrue(leasesB.tryAcquire(job).isEmpty());
        lease.close();
        JobLeases.Lease taken = leasesB.tryAcquire(job).orElseThrow(() -> new AssertionError("B could not take a released lease"));
        assertEquals(nodeB.hazelcast().getName(), leasesA.holder(job).orElseThrow());
        taken.close();
    }

    @Test
    void whenTheHolderStopsRenewingTheOtherNodeTakesOverOnceTheLeaseExpires() {
        String job = newJob();
        // a holder on node A whose process hangs or dies: it neither renews nor releases its lease
        JobLeases hung = new JobLeases(nodeA.hazelcast(), TTL);
        hung.tryAcquire(job).orElseThrow();
        long stopped = System.nanoTime();
        hung.close();
        assertTrue(leasesB.tryAcquire(job).isEmpty(), "the lease is still held until it expires");
        JobLeases.Lease[] taken = new JobLeases.Lease[1];
        Eventually.await(TTL.multipliedBy(5), "node B takes the lease over",
                () -> (taken[0] = leasesB.tryAcquire(job).orElse(null)) != null);
        long waitedMillis = (System.nanoTime() - stopped) / 1_000_000;
        // Hazelcast keeps record times in whole seconds, so an entry's TTL may end up to a second early.
        assertTrue(waitedMillis >= TTL.toMillis() - 1_100, "taken over after " + waitedMillis + " ms, before the lease expired");
        taken[0].close();
    }

    @Test
    void whenTheHoldingMemberCrashesTheOtherNodeTakesOver() {
        String job = newJob();
        ClusterModule doomed = cluster.start(2, 3);
        JobLeases doomedLeases = new JobLeases(doomed.hazelcast(), TTL);
        doomedLeases.tryAcquire(job).orElseThrow();
        assertTrue(leasesB.tryAcquire(job).isEmpty());
        doomedLeases.close();
        doomed.hazelcast().getLifecycleService().terminate(); // a crash: no release, no graceful hand-over
        Eventually.await(Duration.ofSeconds(30), "node B takes the crashed member's lease",
                () -> leasesB.tryAcquire(job).map(lease -> {
                    lease.close();
                    return true;
                }).orElse(false));
    }
}
