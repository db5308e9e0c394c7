package io.pganalytics.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops this node's Hazelcast member. Phone-home, multicast and auto-detection are off: a member joins
 * only the cluster it is told to, on the interface it is told to.
 */
public final class ClusterModule implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterModule.class);

    private final HazelcastInstance hazelcast;

    private ClusterModule(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
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
        return new ClusterModule(hazelcast);
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

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** For readiness: the member is running and is a member of its cluster. */
    public boolean isHealthy() {
        return hazelcast.getLifecycleService().isRunning()
                && hazelcast.getCluster().getMembers().contains(hazelcast.getCluster().getLocalMember());
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
