package io.pganalytics.helm;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each component may reach exactly what it must: collectors the server's API; the ingress controller the API; the
 * server nodes each other's Hazelcast port; the server the database; Prometheus the admin port; DNS out. Rules are
 * compared as whole sets, so an extra path fails as surely as a missing one.
 */
class NetworkPoliciesTest {

    @Test
    void serverPolicyAllowsExactlyTheComponentPaths() {
        Chart.Rendered rendered = Chart.render(Chart.merged(Cases.INGRESS.values(), Cases.COLLECTORS_DEPLOYMENT.values()));
        NetworkPolicy server = rendered.one(NetworkPolicy.class, "pganalytics-server");
        assertEquals(Map.of("app.kubernetes.io/component", "server", "app.kubernetes.io/instance", "pganalytics",
                "app.kubernetes.io/name", "pganalytics"), server.getSpec().getPodSelector().getMatchLabels());
        assertEquals(Set.of(
                "8443/TCP from pods{component=collector}",
                "8443/TCP from ns{kubernetes.io/metadata.name=ingress-nginx} pods{app.kubernetes.io/name=ingress-nginx}",
                "5701/TCP from pods{component=server}",
                "9090/TCP from ns{kubernetes.io/metadata.name=monitoring} pods{app.kubernetes.io/name=prometheus}"), ingress(server));
        assertEquals(Set.of("53/UDP to any", "53/TCP to any", "5701/TCP to pods{component=server}",
                "5432/TCP to pods{component=postgresql}"), egress(server));
    }

    @Test
    void databaseTakesOnlyTheServerAndReachesNothing() {
        NetworkPolicy postgresql = Chart.render(Cases.DEFAULTS.values()).one(NetworkPolicy.class, "pganalytics-postgresql");
        assertEquals(Set.of("5432/TCP from pods{component=server}"), ingress(postgresql));
        assertEquals(Set.of(), egress(postgresql));
        assertEquals(List.of("Ingress", "Egress"), postgresql.getSpec().getPolicyTypes());
    }

    @Test
    void collectorsTakeNothingAndReachTheApiAndTheirDatabases() {
        NetworkPolicy collector = Chart.render(Cases.COLLECTORS_DAEMONSET.values()).one(NetworkPolicy.class, "pganalytics-collector");
        assertEquals(Set.of(), ingress(collector));
        assertEquals(Set.of("53/UDP to any", "53/TCP to any", "8443/TCP to pods{component=server}", "5432/TCP to any"),
                egress(collector));
    }

    @Test
    void externalDatabaseEgressGoesToItsAddressOnly() {
        NetworkPolicy server = Chart.render(Cases.EXTERNAL_DATABASE.values()).one(NetworkPolicy.class, "pganalytics-server");
        assertEquals(Set.of("53/UDP to any", "53/TCP to any", "5701/TCP to pods{component=server}",
                "5432/TCP to 10.20.30.40/32"), egress(server));
        assertEquals(Set.of("8443/TCP from pods{component=collector}", "5701/TCP from pods{component=server}",
                        "9090/TCP from ns{kubernetes.io/metadata.name=monitoring} pods{app.kubernetes.io/name=prometheus}"),
                ingress(server), "no ingress controller path while the Ingress is off");
    }

    @Test
    void aLoadBalancerServiceOpensTheApiPortToClients() {
        NetworkPolicy server = Chart.render(Cases.THREE_NODES.values()).one(NetworkPolicy.class, "pganalytics-server");
        assertEquals(Set.of("8443/TCP from any", "5701/TCP from pods{component=server}",
                "9090/TCP from ns{kubernetes.io/metadata.name=monitoring} pods{app.kubernetes.io/name=prometheus}"), ingress(server));
    }

    private static Set<String> ingress(NetworkPolicy policy) {
        Set<String> rules = new TreeSet<>();
        policy.getSpec().getIngress().forEach(rule -> rules.addAll(describe(rule.getPorts(), rule.getFrom(), "from")));
        return rules;
    }

    private static Set<String> egress(NetworkPolicy policy) {
        Set<String> rules = new TreeSet<>();
        policy.getSpec().getEgress().forEach(rule -> rules.addAll(describe(rule.getPorts(), rule.getTo(), "to")));
        return rules;
    }

    private static List<String> describe(List<NetworkPolicyPort> ports, List<NetworkPolicyPeer> peers, String direction) {
        List<String> peerNames = peers == null || peers.isEmpty() ? List.of("any") : peers.stream().map(NetworkPoliciesTest::peer).toList();
        return ports.stream().flatMap(port -> peerNames.stream()
                .map(peer -> port.getPort().getIntVal() + "/" + port.getProtocol() + " " + direction + " " + peer)).toList();
    }

    private static String peer(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return peer.getIpBlock().getCidr();
        }
        String namespaces = peer.getNamespaceSelector() == null ? "" : "ns" + labels(peer.getNamespaceSelector(), false) + " ";
        return namespaces + "pods" + labels(peer.getPodSelector(), peer.getNamespaceSelector() == null);
    }

    /** Labels of a selector; the chart's own components by their component label alone (instance and name checked above). */
    private static String labels(LabelSelector selector, boolean ownComponent) {
        Map<String, String> labels = selector.getMatchLabels();
        if (ownComponent) {
            assertEquals("pganalytics", labels.get("app.kubernetes.io/instance"));
            return "{component=" + labels.get("app.kubernetes.io/component") + "}";
        }
        return new java.util.TreeMap<>(labels).toString();
    }
}
