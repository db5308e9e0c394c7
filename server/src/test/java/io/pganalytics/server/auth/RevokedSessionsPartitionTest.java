package io.pganalytics.server.auth;

import com.hazelcast.cluster.Member;
import io.pganalytics.server.cluster.ClusterModule;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import io.pganalytics.server.testing.HazelcastPeerProcess;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every authenticated request asks the cluster whether its session was revoked. With a member cut off (its process
 * stopped: connections open, nothing answers, as behind a firewall that drops its packets), a member that remains must
 * answer that question within the request's budget, and still refuse a session revoked before the cut.
 */
class RevokedSessionsPartitionTest {
    /** cluster.request-wait (1 s by default) and room for a busy machine: well under any client's timeout. */
    private static final Duration BUDGET = Duration.ofSeconds(3);

    @Test
    void aSessionCheckOnASurvivingMemberAnswersWithinTheBudgetWhileAPeerIsCutOff() throws Exception {
        HazelcastMembers members = new HazelcastMembers(3);
        try (ClusterModule survivor = members.start(0, 1);
             HazelcastPeerProcess peer = HazelcastPeerProcess.start(members, 1);
             ClusterModule other = members.start(2, 3)) {
            RevokedSessions onSurvivor = new RevokedSessions(survivor.hazelcast(), Clock.systemUTC(), Duration.ofMinutes(15));
            RevokedSessions onOther = new RevokedSessions(other.hazelcast(), Clock.systemUTC(), Duration.ofMinutes(15));
            Member cutOff = survivor.hazelcast().getCluster().getMembers().stream()
                    .filter(m -> m.getAddress().getPort() == members.port(1)).findFirst().orElseThrow();
            String revoked = ownedBy(survivor, cutOff, "revoked-");
            String live = ownedBy(survivor, cutOff, "live-");
            onOther.revoke(revoked);
            Eventually.await(Duration.ofSeconds(30), "the survivor knows of the revocation", () -> onSurvivor.isRevoked(revoked));

            peer.freeze();

            assertTrue(within(() -> onSurvivor.isRevoked(revoked)), "a session revoked before the cut is still refused");
            assertFalse(within(() -> onSurvivor.isRevoked(live)), "a live session is let through");
        }
    }

    /** A session id whose entry the cut-off member owns, so that the check must ask it. */
    private static String ownedBy(ClusterModule member, Member owner, String prefix) {
        for (int i = 0; i < 10_000; i++) {
            String id = prefix + i;
            if (owner.equals(member.hazelcast().getPartitionService().getPartition(id).getOwner())) {
                return id;
            }
        }
        throw new IllegalStateException("no key of the cut-off member's partitions among 10000");
    }

    private static boolean within(java.util.function.BooleanSupplier check) throws Exception {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        Thread asking = Thread.ofPlatform().daemon().start(() -> answer.complete(check.getAsBoolean()));
        try {
            return answer.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the session check did not answer within " + BUDGET.toMillis() + " ms while a member was cut off; it waits at "
                    + java.util.Arrays.stream(asking.getStackTrace()).limit(25).map(Object::toString)
                    .collect(java.util.stream.Collectors.joining("\n  ")));
            return false;
        }
    }
}
