package io.pganalytics.server.cluster;

import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.HazelcastMembers;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness follows the cluster, not only the member: a member that has lost its cluster (it sees fewer members than
 * {@code cluster.min-size}, a majority of three by default) must say it is not ready, so that balancers route around it.
 */
class ClusterQuorumTest {
    @Test
    void readinessTurnsDownOnAMemberThatLostItsCluster() {
        HazelcastMembers members = new HazelcastMembers(3);
        try (ClusterModule survivor = members.start(0, 1);
             ClusterModule second = members.start(1, 2);
             ClusterModule third = members.start(2, 3)) {
            assertTrue(survivor.isHealthy(), "ready with its cluster: " + survivor.readinessProblem());

            second.hazelcast().getLifecycleService().terminate();
            Eventually.await(Duration.ofSeconds(30), "the survivors see 2 members", () -> survivor.memberCount() == 2);
            assertTrue(survivor.isHealthy(), "2 of 3 members are a majority: still ready: " + survivor.readinessProblem());

            third.hazelcast().getLifecycleService().terminate();
            Eventually.await(Duration.ofSeconds(30), "readiness DOWN on the member left alone", () -> !survivor.isHealthy());
            String problem = survivor.readinessProblem();
            assertTrue(problem != null && problem.contains("lost its cluster") && problem.contains("1 member(s) of the 2 needed"),
                    "the reason names the member count and the quorum: " + problem);
        }
    }
}
