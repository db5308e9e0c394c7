package io.pganalytics.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts and stops this node's Hazelcast member. Phone-home, multicast and auto-detection are off: a member joins
 * only the cluster it is told to, on the interface it is told to.
 */
public final class ClusterModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterModule.class);

    private final HazelcastInstance hazelcast;
    private final ClusterConfig.Timeouts timeouts;
    private final ClusterCalls calls;
    /** Whether this member has ever seen {@code min-size} members: until then it may serve alone (a new deployment's first node). */
    private final AtomicBoolean quorumSeen = new AtomicBoolean();

    private ClusterModule(HazelcastInstance hazelcast, ClusterConfig.Timeouts timeouts) {
        this.hazelcast = hazelcast;
        this.timeouts = timeouts;
        this.calls = new ClusterCalls(timeouts.requestWait());
        hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                noteSize(event.getMembers().size());
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                LOG.warn("cluster: member {} left or was removed; {} member(s) now, {} needed to be ready",
                        event.getMember().getAddress(), event.getMembers().size(), timeouts.minSize());
            }
        });
        noteSize(hazelcast.getCluster().getMembers().size());
    }

    private void noteSize(int size) {
        if (size >= timeouts.minSize()) {
            quorumSeen.set(true);
        }
    }

    public static ClusterModule start(ClusterConfig config, String nodeName) {
        return start(config, nodeName, java.util.List.of());
    }

    /**
     * Starts the member with the features' data-structure settings (maps with their TTLs, eviction and near caches,
     * topics) in its static configuration. They must not be added at run time with {@code getConfig().addXxxConfig}:
     * Hazelcast then ships them to every joining member in a pre-join operation whose MapConfig carries a
     * Java-serialised {@code Properties}, which the JVM-wide deserialisation filter rejects, so a second node could
     * never join.
     */
    public static ClusterModule start(ClusterConfig config, String nodeName, java.util.List<java.util.function.Consumer<Config>> features) {
        Config hz = hazelcastConfig(config, nodeName);
        features.forEach(feature -> feature.accept(hz));
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(hz);
        LOG.info("cluster: member {} of '{}' at {}, {} member(s), join {}", nodeName, config.name(),
                hazelcast.getCluster().getLocalMember().getAddress(), hazelcast.getCluster().getMembers().size(),
                config.join().name().toLowerCase(java.util.Locale.ROOT));
        return new ClusterModule(hazelcast, config.timeouts());
    }

    static Config hazelcastConfig(ClusterConfig config, String nodeName) {
        Config hz = new Config();
        hz.setClusterName(config.name());
        hz.setInstanceName(nodeName);
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.setProperty("hazelcast.shutdownhook.enabled", "false");
        hz.setProperty("hazelcast.socket.bind.any", "false");
        // Graceful shutdown hands this member's partitions to the others before it leaves: nothing acknowledged is lost.
        hz.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
        hz.setProperty("hazelcast.member.naming.moby.enabled", "false");
        applyTimeouts(hz, config.timeouts());
        NetworkConfig network = hz.getNetworkConfig();
        network.setPort(config.port()).setPortAutoIncrement(config.portAutoIncrement()).setPortCount(100);
        network.setPublicAddress(null);
        network.getInterfaces().setEnabled(true).addInterface(config.bindAddress());
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getMulticastConfig().setEnabled(false);
        switch (config.join()) {
            case NONE -> join.getTcpIpConfig().setEnabled(false);
            case MEMBERS -> join.getTcpIpConfig().setEnabled(true).setMembers(config.members());
            case KUBERNETES -> join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", config.kubernetesDns());
        }
        return hz;
    }

    /**
     * Failure detection and invocation bounds (Hazelcast's defaults wait 60 s for a silent member and 60 s for an
     * answer, so a member cut off without a TCP reset stalled every node's requests that long). A split's two sides
     * look for each other every {@code merge-interval} (default 300 s, then 120 s) and merge once the network heals.
     */
    static void applyTimeouts(Config hz, ClusterConfig.Timeouts timeouts) {
        hz.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(ceilSeconds(timeouts.heartbeatInterval())));
        hz.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(ceilSeconds(timeouts.memberTimeout())));
        hz.setProperty("hazelcast.operation.call.timeout.millis", Long.toString(timeouts.callTimeout().toMillis()));
        hz.setProperty("hazelcast.merge.first.run.delay.seconds", Long.toString(ceilSeconds(timeouts.mergeInterval())));
        hz.setProperty("hazelcast.merge.next.run.delay.seconds", Long.toString(ceilSeconds(timeouts.mergeInterval())));
        hz.setProperty(ClusterCalls.REQUEST_WAIT_PROPERTY, Long.toString(timeouts.requestWait().toMillis()));
    }

    private static long ceilSeconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** For readiness: the member is running and is a member of its cluster. */
    public boolean isHealthy() {
        return readinessProblem() == null;
    }

    /**
     * Why this member must not serve, or null. It must not once it has lost its cluster: it sees fewer members than
     * {@code cluster.min-size} after having seen that many (cut off from the others, it would answer from its own
     * partial copy of the cluster's state, and requests on it would wait for members it cannot reach).
     */
    public String readinessProblem() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return "the Hazelcast member is not running";
        }
        var members = hazelcast.getCluster().getMembers();
        if (!members.contains(hazelcast.getCluster().getLocalMember())) {
            return "the Hazelcast member is not in its cluster";
        }
        return lostCluster();
    }

    /**
     * Why this member has lost its cluster (fewer members than {@code cluster.min-size} after having seen that many),
     * or null. Cheap (the local member list): the API refuses requests with 503 while it is not null.
     */
    public String lostCluster() {
        if (!hazelcast.getLifecycleService().isRunning()) {
            return null; // stopping: draining answers for it
        }
        int size = hazelcast.getCluster().getMembers().size();
        noteSize(size);
        if (size < timeouts.minSize() && quorumSeen.get()) {
            return "lost its cluster: sees " + size + " member(s) of the " + timeouts.minSize()
                    + " needed (cluster.min-size); the others are unreachable or gone";
        }
        return null;
    }

    /** Bounded waits on the cluster for request paths: {@code cluster.request-wait}. */
    public ClusterCalls calls() {
        return calls;
    }

    public int memberCount() {
        return hazelcast.getLifecycleService().isRunning() ? hazelcast.getCluster().getMembers().size() : 0;
    }

    /** Leaves the cluster gracefully: partitions migrate to the remaining members first. */
    @Override
    public void close() {
        if (hazelcast.getLifecycleService().isRunning()) {
            hazelcast.getLifecycleService().addLifecycleListener(event -> {
                if (event.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                    LOG.info("cluster: left");
                }
            });
            hazelcast.shutdown();
        }
    }
}
