package io.pganalytics.server.testing;

import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.cluster.ClusterModule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real Hazelcast members in this JVM, configured as server nodes are (through {@link ClusterModule}): bound to
 * 127.0.0.1, no multicast, no auto-detection, no phone-home, joined by a member list of free ports.
 */
public final class HazelcastMembers {
    private final String clusterName = "test-" + UUID.randomUUID();
    private final List<Integer> ports = new ArrayList<>();

    /** Reserves ports for up to {@code size} members of one cluster. */
    public HazelcastMembers(int size) {
        for (int i = 0; i < size; i++) {
            ports.add(TestServers.freePort());
        }
    }

    public String clusterName() {
        return clusterName;
    }

    /** Every member's {@code 127.0.0.1:port}, in index order: the member list each of them joins by. */
    public List<String> addresses() {
        return ports.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    public int port(int index) {
        return ports.get(index);
    }

    /** Starts member {@code index} (0-based) and waits until it sees {@code expectedMembers}. */
    public ClusterModule start(int index, int expectedMembers) {
        List<String> members = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        ClusterModule member = ClusterModule.start(new ClusterConfig(clusterName, ClusterConfig.Join.MEMBERS, members, "",
                "127.0.0.1", ports.get(index), false), "node-" + index + "-" + UUID.randomUUID().toString().substring(0, 6));
        Eventually.await(Duration.ofSeconds(60), "member " + index + " sees " + expectedMembers + " members",
                () -> member.memberCount() >= expectedMembers);
        // partitions (and their backups) have migrated: an entry put now survives any one member's crash
        var partitions = member.hazelcast().getPartitionService();
        var self = member.hazelcast().getCluster().getLocalMember();
        // partitions are assigned on first use: touch a map so that the join migrates some of them to the new member
        // (bounded: an invocation on a cluster that never settles would otherwise retry for many minutes)
        try {
            // size() asks every partition, so that all of them are assigned with this member in the cluster; it runs on a
            // thread of its own so that the wait is bounded
            CompletableFuture.supplyAsync(() -> member.hazelcast().getMap("pga.test-warm-up").size())
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while member " + index + " joined", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("member " + index + " could not write to the cluster within 60 s", e);
        }
        Eventually.await(Duration.ofSeconds(60), "the cluster is safe after member " + index + " joined",
                () -> (expectedMembers == 1 || partitions.getPartitions().stream().anyMatch(p -> self.equals(p.getOwner())))
                        && partitions.isClusterSafe());
        return member;
    }

    /** A single member of a cluster of its own. */
    public static ClusterModule single() {
        return ClusterModule.start(new ClusterConfig("test-" + UUID.randomUUID(), ClusterConfig.Join.NONE, List.of(), "",
                "127.0.0.1", TestServers.freePort(), false), "node-" + UUID.randomUUID().toString().substring(0, 6));
    }
}
