package io.pganalytics.server;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.helidon.config.Config;
import io.pganalytics.collector.config.CollectorConfig;
import io.pganalytics.helm.Cases;
import io.pganalytics.helm.Chart;
import io.pganalytics.server.cluster.ClusterConfig;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server.yaml the chart renders, with the pod's environment and mounted files, read by the server's own reader
 * ({@link ServerConfiguration#read}, which refuses an unknown key): a key the chart or a user's server.config gets
 * wrong fails the build, not the rollout. The collectors' collector.yaml is read by the collector's reader the same way.
 */
class RenderedConfigurationTest {
    static final List<Cases.Case> CASES = Cases.ALL;

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void theServerReadsTheRenderedConfiguration(Cases.Case c) throws Exception {
        Chart.Rendered rendered = Chart.render(c.values());
        ServerConfiguration configuration = read(rendered);
        ClusterConfig cluster = configuration.cluster();
        assertEquals(ClusterConfig.Join.KUBERNETES, cluster.join());
        assertEquals("pganalytics-hazelcast.monitoring.svc.cluster.local", cluster.kubernetesDns());
        assertEquals(RenderedPod.POD_IP, cluster.bindAddress(), "each member binds and advertises its pod IP");
        assertEquals("pganalytics-server-0", configuration.server().nodeName());
        assertEquals("0.0.0.0", configuration.http().adminHost(), "the kubelet probes the pod IP");
        assertEquals(Duration.ofSeconds(10), configuration.http().shutdownGrace());
        assertTrue(configuration.http().tls().enabled());
        assertTrue(configuration.database().url().orElseThrow().startsWith("jdbc:postgresql://"));
        assertTrue(configuration.database().password().isPresent(), "the password comes from the mounted Secret");
        StatefulSet server = rendered.one(StatefulSet.class, "pganalytics-server");
        int adminPort = server.getSpec().getTemplate().getSpec().getContainers().getFirst().getPorts().stream()
                .filter(p -> p.getName().equals("admin")).findFirst().orElseThrow().getContainerPort();
        assertEquals(configuration.http().adminPort(), adminPort, "the container's admin port is the server's");
        assertEquals(configuration.http().port(), 8443);
        assertEquals(configuration.cluster().port(), 5701);
    }

    @Test
    void aMemberCallsItselfReadyOnlyWithAMajorityOfTheNodesTheChartRuns() throws Exception {
        // a member cut off from the others turns readiness DOWN (docs/HIGH-AVAILABILITY.md): the chart must say how many
        assertEquals(1, read(Chart.render(Chart.values())).cluster().timeouts().minSize(), "one node: alone is normal");
        assertEquals(1, read(Chart.render(Chart.values("server.replicaCount", 2,
                "encryption.keystore.existingSecret", "kek"))).cluster().timeouts().minSize(),
                "two nodes: a dead peer and a cut network look the same");
        assertEquals(2, read(Chart.render(Chart.values("server.replicaCount", 3,
                "encryption.keystore.existingSecret", "kek"))).cluster().timeouts().minSize());
        assertEquals(3, read(Chart.render(Chart.values("server.replicaCount", 5,
                "encryption.keystore.existingSecret", "kek"))).cluster().timeouts().minSize());
        assertEquals(3, read(Chart.render(Chart.values("autoscaling.enabled", true, "autoscaling.minReplicas", 4,
                "encryption.keystore.existingSecret", "kek"))).cluster().timeouts().minSize(),
                "with the HPA, a majority of its fewest nodes");
    }

    @Test
    void anUnknownKeyInServerConfigFailsLikeAtStart() {
        Chart.Rendered rendered = Chart.render(Chart.values("server.config", Map.of("http", Map.of("admin-prot", 9091))));
        ConfigException problem = assertThrows(ConfigException.class, () -> read(rendered));
        assertTrue(problem.getMessage().contains("admin-prot"), problem.getMessage());
    }

    /**
     * Kubernetes gives every pod PGANALYTICS_SERVICE_HOST, PGANALYTICS_PORT... for a Service named pganalytics unless
     * service links are off; the server reads PGANALYTICS_* variables as configuration and would refuse to start.
     */
    @Test
    void serviceLinksAreOffBecauseTheirVariablesWouldBeReadAsKeys() throws Exception {
        Chart.Rendered rendered = Chart.render(Cases.DEFAULTS.values());
        PodSpec pod = rendered.one(StatefulSet.class, "pganalytics-server").getSpec().getTemplate().getSpec();
        assertEquals(Boolean.FALSE, pod.getEnableServiceLinks());
        RenderedPod laid = RenderedPod.lay(root, pod, pod.getContainers().getFirst(), "pganalytics-server-0",
                (type, name) -> rendered.find(type, name));
        Path file = laid.inside("/etc/pganalytics/config/server.yaml");
        Files.writeString(file, laid.moved(Files.readString(file)));
        Map<String, String> withLinks = new java.util.HashMap<>(laid.environment());
        withLinks.put("PGANALYTICS_SERVICE_HOST", "10.96.0.20");
        withLinks.put("PGANALYTICS_PORT", "tcp://10.96.0.20:8443");
        ConfigException problem = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(ConfigLoader.load(file, withLinks, Map.of())));
        assertTrue(problem.getMessage().contains("unknown key"), problem.getMessage());
    }

    @Test
    void serverConfigValuesReachTheServer() throws Exception {
        Chart.Rendered rendered = Chart.render(Chart.values("server.config", Map.of("ingest", Map.of("writers", 4))));
        assertEquals(4, read(rendered).ingest().writers());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("COLLECTOR_CASES")
    void theCollectorReadsItsRenderedConfiguration(Cases.Case c) throws Exception {
        Chart.Rendered rendered = Chart.render(c.values());
        List<HasMetadata> workloads = rendered.matching(o -> o instanceof DaemonSet || o instanceof Deployment);
        assertEquals(1, workloads.size());
        HasMetadata workload = workloads.getFirst();
        PodSpec pod = workload instanceof DaemonSet d ? d.getSpec().getTemplate().getSpec()
                : ((Deployment) workload).getSpec().getTemplate().getSpec();
        Container collector = pod.getContainers().getFirst();
        RenderedPod laid = RenderedPod.lay(root, pod, collector, "collector-0", (type, name) -> rendered.find(type, name));
        Path file = laid.inside("/etc/pganalytics-collector/config/collector.yaml");
        CollectorConfig config = io.pganalytics.collector.config.ConfigLoader.parse(laid.moved(Files.readString(file)),
                laid.environment(), file.getParent());
        assertEquals("https://pganalytics.monitoring.svc:8443", config.serverUrl().toString());
        assertTrue(config.identityFile().startsWith(laid.inside("/var/lib/pganalytics-collector")), "identity on the state volume");
        assertTrue(config.encryption().enabled());
        assertTrue(!config.targets().isEmpty());
        assertEquals(workload instanceof DaemonSet ? laid.inside("/host/proc") : java.nio.file.Path.of("/proc"), config.host().procRoot(),
                "host figures: the node's /proc where the DaemonSet mounts it");
        String register = rendered.one(ConfigMap.class, workload.getMetadata().getName()).getData().get("register.sh");
        assertTrue(register.contains("register --server https://pganalytics.monitoring.svc:8443 --token-file"), register);
        assertTrue(pod.getInitContainers().stream().anyMatch(i -> i.getName().equals("register")));
    }

    static final List<Cases.Case> COLLECTOR_CASES = List.of(Cases.COLLECTORS_DAEMONSET, Cases.COLLECTORS_DEPLOYMENT);

    private ServerConfiguration read(Chart.Rendered rendered) throws Exception {
        StatefulSet server = rendered.one(StatefulSet.class, "pganalytics-server");
        PodSpec pod = server.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();
        RenderedPod laid = RenderedPod.lay(root, pod, container, "pganalytics-server-0", (type, name) -> rendered.find(type, name));
        List<String> args = container.getArgs();
        assertEquals("--config", args.get(0));
        Path file = laid.inside(args.get(1));
        Files.writeString(file, laid.moved(Files.readString(file)));
        Config config = ConfigLoader.load(file, laid.environment(), Map.of());
        return ServerConfiguration.read(config);
    }

}
