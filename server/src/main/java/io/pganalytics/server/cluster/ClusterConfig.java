package io.pganalytics.server.cluster;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

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
 */
public record ClusterConfig(String name,
                            Join join,
                            List<String> members,
                            String kubernetesDns,
                            String bindAddress,
                            int port,
                            boolean portAutoIncrement) {
    public enum Join { NONE, MEMBERS, KUBERNETES }

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
                Settings.bool(node, "port-auto-increment", true));
    }
}
