package io.pganalytics.server.cluster;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.time.Duration;
import java.util.List;

/**
 * The {@code cluster} node.
 *
 * @param name          the Hazelcast cluster name: members with another name never join
 * @param join          how members find each other
 * @param members       {@code host[:port]} entries, for {@code join: members}
 * @param kubernetesDns the headless service's DNS name, for {@code join: kubernetes}
 * @param bindAddress   the interface the member binds to and advertises
 * @param port          the member port (the next free port upward is taken when it is busy and {@code port-auto-increment})
 * @param portAutoIncrement whether to try the next ports when {@code port} is busy
 * @param timeouts      failure detection, invocation and request-path bounds, and the quorum readiness asks for
 */
public record ClusterConfig(String name,
                            Join join,
                            List<String> members,
                            String kubernetesDns,
                            String bindAddress,
                            int port,
                            boolean portAutoIncrement,
                            Timeouts timeouts) {
    public enum Join { NONE, MEMBERS, KUBERNETES }

    /**
     * How fast the cluster gives up on a member, and how long a request may wait for the cluster.
     *
     * @param heartbeatInterval how often a member tells the others it is alive
     * @param memberTimeout     a member silent this long is removed (its partitions are served from their backups)
     * @param callTimeout       an invocation whose target sends neither an answer nor an operation heartbeat for this
     *                          long fails
     * @param requestWait       the longest a request path waits on the cluster before it takes its fallback
     * @param mergeInterval     how often a member looks for the other side of a healed split, to merge with it
     * @param minSize           the fewest members a member must see to call itself ready, once it has seen that many
     */
    public record Timeouts(Duration heartbeatInterval, Duration memberTimeout, Duration callTimeout, Duration requestWait,
                           Duration mergeInterval, int minSize) {
        /** The defaults for HA on a LAN: see docs/SERVER.md, the "cluster" keys. */
        public static Timeouts defaults(int minSize) {
            return new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(1),
                    Duration.ofSeconds(5), minSize);
        }
    }

    /** A cluster with the default timeouts and quorum. */
    public ClusterConfig(String name, Join join, List<String> members, String kubernetesDns, String bindAddress, int port,
                         boolean portAutoIncrement) {
        this(name, join, members, kubernetesDns, bindAddress, port, portAutoIncrement, Timeouts.defaults(defaultMinSize(members)));
    }

    /**
     * A majority of the listed members when there are three or more; else 1. With two members a lost peer and a lost
     * network look the same to each side, and a quorum of two would take both out of service when either dies.
     */
    static int defaultMinSize(List<String> members) {
        return members.size() >= 3 ? members.size() / 2 + 1 : 1;
    }

    public static ClusterConfig from(Config node) {
        Join join = Settings.choice(node, "join", Join.class, Join.NONE);
        List<String> members = Settings.list(node, "members");
        String dns = Settings.string(node, "kubernetes-dns", "");
        if (join == Join.MEMBERS && members.isEmpty()) {
            throw Settings.problem(node, "members", "cluster.join is members but no member is listed");
        }
        if (join == Join.KUBERNETES && dns.isEmpty()) {
            throw Settings.problem(node, "kubernetes-dns", "cluster.join is kubernetes but no service DNS name is given");
        }
        if (join == Join.NONE && !members.isEmpty()) {
            throw Settings.problem(node, "members", "members are listed but cluster.join is none: set cluster.join to members");
        }
        return new ClusterConfig(
                Settings.string(node, "name", "pganalytics"),
                join,
                members,
                dns,
                Settings.string(node, "bind-address", "127.0.0.1"),
                Settings.integer(node, "port", 5701, 0, 65535),
                Settings.bool(node, "port-auto-increment", true),
                timeouts(node, join == Join.MEMBERS ? defaultMinSize(members) : 1));
    }

    private static Timeouts timeouts(Config node, int defaultMinSize) {
        Timeouts defaults = Timeouts.defaults(defaultMinSize);
        Duration heartbeat = Settings.duration(node, "heartbeat-interval", defaults.heartbeatInterval(),
                Duration.ofSeconds(1), Duration.ofSeconds(60));
        Duration memberTimeout = Settings.duration(node, "member-timeout", defaults.memberTimeout(),
                Duration.ofSeconds(2), Duration.ofMinutes(10));
        Duration callTimeout = Settings.duration(node, "call-timeout", defaults.callTimeout(),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        Duration requestWait = Settings.duration(node, "request-wait", defaults.requestWait(),
                Duration.ofMillis(50), Duration.ofSeconds(60));
        Duration merge = Settings.duration(node, "merge-interval", defaults.mergeInterval(),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        int minSize = Settings.integer(node, "min-size", defaults.minSize(), 1, 1000);
        if (memberTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw Settings.problem(node, "member-timeout", "cluster.member-timeout (" + memberTimeout.toMillis()
                    + " ms) must be at least twice cluster.heartbeat-interval (" + heartbeat.toMillis()
                    + " ms): a single late heartbeat would remove a healthy member");
        }
        return new Timeouts(heartbeat, memberTimeout, callTimeout, requestWait, merge, minSize);
    }
}
