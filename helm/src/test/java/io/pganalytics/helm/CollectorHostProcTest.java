package io.pganalytics.helm;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host metrics from the node: the collector DaemonSet mounts the node's /proc read-only where its configuration's
 * host.proc-root points; the Deployment (remote databases) mounts nothing of the host's /proc.
 */
class CollectorHostProcTest {
    private static final String DAEMONSET = Chart.RELEASE + "-collector-daemonset";
    private static final String DEPLOYMENT = Chart.RELEASE + "-collector-deployment";

    @Test
    void theDaemonSetMountsTheNodesProcReadOnlyWhereTheCollectorConfigReadsIt() {
        Chart.Rendered rendered = Chart.render(Cases.COLLECTORS_DAEMONSET.values());
        PodSpec pod = rendered.one(DaemonSet.class, DAEMONSET).getSpec().getTemplate().getSpec();
        Volume proc = pod.getVolumes().stream().filter(v -> v.getHostPath() != null && "/proc".equals(v.getHostPath().getPath()))
                .findFirst().orElseThrow(() -> new AssertionError("no volume of the node's /proc: " + pod.getVolumes()));
        assertEquals("Directory", proc.getHostPath().getType());

        String procRoot = String.valueOf(hostSection(rendered, DAEMONSET).get("proc-root"));
        List<Container> containers = new ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        List<String> mounting = new ArrayList<>();
        for (Container container : containers) {
            for (VolumeMount mount : container.getVolumeMounts()) {
                if (mount.getName().equals(proc.getName())) {
                    mounting.add(container.getName());
                    assertEquals(Boolean.TRUE, mount.getReadOnly(), container.getName() + " mounts the node's /proc writable");
                    assertEquals(procRoot, mount.getMountPath(), container.getName() + ": host.proc-root is where /proc is mounted");
                }
            }
        }
        assertTrue(mounting.contains("collector"), "the collector reads it: " + mounting);
        assertTrue(mounting.contains("register"), "register reads the same configuration, which checks host.proc-root: " + mounting);
        assertEquals("/host/proc", procRoot);
    }

    @Test
    void theDeploymentMountsNothingFromTheHost() {
        Chart.Rendered rendered = Chart.render(Cases.COLLECTORS_DEPLOYMENT.values());
        PodSpec pod = rendered.one(Deployment.class, DEPLOYMENT).getSpec().getTemplate().getSpec();
        assertEquals(List.of(), pod.getVolumes().stream().filter(v -> v.getHostPath() != null).map(Volume::getName).toList(),
                "a collector of remote databases reads nothing of its node");
        assertFalse(pod.getContainers().stream().flatMap(c -> c.getVolumeMounts().stream())
                .anyMatch(m -> m.getMountPath().startsWith("/host")), "no host mount");
        assertFalse(hostSection(rendered, DEPLOYMENT).containsKey("proc-root"), "its host families (none: remote targets) keep /proc");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hostSection(Chart.Rendered rendered, String name) {
        ConfigMap config = rendered.one(ConfigMap.class, name);
        Map<String, Object> yaml = Chart.yaml(config.getData().get("collector.yaml"));
        assertNotNull(yaml, name + ": collector.yaml");
        Object host = yaml.get("host");
        return host == null ? Map.of() : (Map<String, Object>) host;
    }
}
