package io.pganalytics.helm;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart lints clean and every object it renders, for the defaults and each combination of the matrix, is a
 * well-formed object of the Kubernetes model whose references hold: selectors select the pod labels, Services target
 * ports the selected containers declare, mounts name volumes, volumes and variables name Secrets and ConfigMaps that are
 * rendered (or that the values name as the operator's), the autoscaler, budget and Ingress point at rendered objects.
 */
class ChartObjectsTest {
    static final List<Cases.Case> CASES = Cases.ALL;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Set<String> KINDS = Set.of("v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount",
            "v1/PersistentVolumeClaim", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "apps/v1/Deployment",
            "networking.k8s.io/v1/NetworkPolicy", "networking.k8s.io/v1/Ingress", "autoscaling/v2/HorizontalPodAutoscaler",
            "policy/v1/PodDisruptionBudget", "autoscaling.k8s.io/v1/VerticalPodAutoscaler",
            "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule");
    private static final Set<String> CUSTOM_KINDS = Set.of("VerticalPodAutoscaler", "ServiceMonitor", "PrometheusRule");

    @Test
    void theDefaultInstallIsATrialSystemWithItsOwnDatabase() {
        List<String> listing = Chart.render(Map.of()).listing();
        System.err.println("helm install pganalytics ./helm/pganalytics renders:\n  " + String.join("\n  ", listing));
        assertEquals(List.of(
                "NetworkPolicy/pganalytics-server", "NetworkPolicy/pganalytics-postgresql",
                "ServiceAccount/pganalytics",
                "Secret/pganalytics-admin", "Secret/pganalytics-keystore", "Secret/pganalytics-postgresql", "Secret/pganalytics-tls",
                "ConfigMap/pganalytics-server",
                "Service/pganalytics-postgresql", "Service/pganalytics", "Service/pganalytics-hazelcast",
                "StatefulSet/pganalytics-postgresql", "StatefulSet/pganalytics-server"), listing);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void lintIsCleanInStrictMode(Cases.Case c) {
        LintResult lint = Chart.lint(c.values());
        assertFalse(lint.isFailed(), () -> c + ": " + lint.getMessages());
        List<String> problems = lint.getMessages().stream()
                .filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).toList();
        assertEquals(List.of(), problems, c::toString);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void everyObjectIsAKnownKindWithAValidName(Cases.Case c) {
        Chart.Rendered rendered = Chart.render(c.values());
        Set<String> seen = new HashSet<>();
        for (HasMetadata object : rendered.objects()) {
            String kind = object.getApiVersion() + "/" + object.getKind();
            assertTrue(KINDS.contains(kind), () -> c + ": unexpected " + kind);
            assertEquals(CUSTOM_KINDS.contains(object.getKind()), object instanceof GenericKubernetesResource,
                    () -> c + ": " + kind + " is not parsed into its model type");
            String name = object.getMetadata().getName();
            assertTrue(name.length() <= 63 && DNS_LABEL.matcher(name).matches(), () -> c + ": bad name " + name);
            assertTrue(seen.add(object.getKind() + "/" + name), () -> c + ": " + object.getKind() + "/" + name + " twice");
            Map<String, String> labels = object.getMetadata().getLabels();
            assertNotNull(labels, () -> c + ": " + name + " has no labels");
            assertEquals(Chart.RELEASE, labels.get("app.kubernetes.io/instance"), () -> c + ": " + name);
            assertNotNull(labels.get("app.kubernetes.io/component"), () -> c + ": " + name);
        }
    }

    /**
     * The model keeps fields it does not know in additionalProperties: a misspelt field (readOnlyRootFileSystem, a probe
     * under the wrong parent) would be dropped by the API server or refused, so none may be there.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void everyFieldIsOneTheKubernetesModelKnows(Cases.Case c) throws Exception {
        for (HasMetadata object : Chart.render(c.values()).objects()) {
            if (!(object instanceof GenericKubernetesResource)) {
                List<String> unknown = new ArrayList<>();
                unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown, 0);
                assertEquals(List.of(), unknown, c::toString);
            }
        }
    }

    private static void unknownFields(Object node, String path, List<String> unknown, int depth) throws Exception {
        if (node == null || depth > 30) {
            return;
        }
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", unknown, depth + 1);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), unknown, depth + 1);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (java.lang.reflect.Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else if (!(node instanceof IntOrString) && !(node instanceof io.fabric8.kubernetes.api.model.Quantity)) {
                unknownFields(value, path + "." + getter.getName().substring(3), unknown, depth + 1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void workloadsSelectTheirOwnPodsAndReferenceOnlyWhatExists(Cases.Case c) {
        Chart.Rendered rendered = Chart.render(c.values());
        List<Workload> workloads = workloads(rendered);
        assertFalse(workloads.isEmpty());
        for (Workload w : workloads) {
            Map<String, String> podLabels = w.template().getMetadata().getLabels();
            assertTrue(podLabels.entrySet().containsAll(w.selector().entrySet()),
                    () -> c + ": " + w.name() + " selector " + w.selector() + " does not select its pods " + podLabels);
            PodSpec pod = w.template().getSpec();
            Set<String> volumes = new HashSet<>(pod.getVolumes().stream().map(Volume::getName).toList());
            volumes.addAll(w.claimTemplates());
            for (Volume volume : pod.getVolumes()) {
                if (volume.getSecret() != null) {
                    assertSecretExists(c, rendered, w.name(), volume.getSecret().getSecretName(),
                            volume.getSecret().getItems() == null ? List.of()
                                    : volume.getSecret().getItems().stream().map(i -> i.getKey()).toList());
                }
                if (volume.getConfigMap() != null) {
                    rendered.one(ConfigMap.class, volume.getConfigMap().getName());
                }
                if (volume.getPersistentVolumeClaim() != null) {
                    rendered.one(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class,
                            volume.getPersistentVolumeClaim().getClaimName());
                }
            }
            for (Container container : containers(pod)) {
                assertNotNull(container.getImage(), () -> c + ": " + container.getName() + " has no image");
                container.getVolumeMounts().forEach(mount -> assertTrue(volumes.contains(mount.getName()),
                        () -> c + ": " + w.name() + "/" + container.getName() + " mounts unknown volume " + mount.getName()));
                for (EnvVar env : container.getEnv()) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        var ref = env.getValueFrom().getSecretKeyRef();
                        assertSecretExists(c, rendered, w.name(), ref.getName(), List.of(ref.getKey()));
                    }
                }
            }
            if (pod.getServiceAccountName() != null) {
                assertTrue(rendered.find(io.fabric8.kubernetes.api.model.ServiceAccount.class, pod.getServiceAccountName()).isPresent(),
                        () -> c + ": " + w.name() + " runs as a service account that is not rendered");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void servicesSelectPodsAndTargetPortsTheirContainersDeclare(Cases.Case c) {
        Chart.Rendered rendered = Chart.render(c.values());
        List<Workload> workloads = workloads(rendered);
        for (Service service : rendered.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<Workload> selected = workloads.stream()
                    .filter(w -> w.template().getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertEquals(1, selected.size(), () -> c + ": Service " + service.getMetadata().getName() + " selects " + selected);
            List<ContainerPort> ports = selected.getFirst().template().getSpec().getContainers().stream()
                    .flatMap(container -> container.getPorts().stream()).toList();
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort();
                boolean declared = ports.stream().anyMatch(p -> target.getStrVal() != null
                        ? target.getStrVal().equals(p.getName()) : target.getIntVal().equals(p.getContainerPort()));
                assertTrue(declared, () -> c + ": Service " + service.getMetadata().getName() + " targets " + target
                        + ", not a port of " + selected.getFirst().name());
            }
        }
        for (StatefulSet set : rendered.all(StatefulSet.class)) {
            Service governing = rendered.one(Service.class, set.getSpec().getServiceName());
            assertTrue(set.getMetadata().getName().length() <= 52, "a StatefulSet name leaves room for its pods' revision label");
            if (set.getMetadata().getName().endsWith("-server")) {
                assertEquals("None", governing.getSpec().getClusterIP(), "the server's governing Service is headless");
                assertEquals(Boolean.TRUE, governing.getSpec().getPublishNotReadyAddresses(),
                        "Hazelcast must find members that are not ready yet");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void autoscalerBudgetIngressAndMonitorPointAtRenderedObjects(Cases.Case c) {
        Chart.Rendered rendered = Chart.render(c.values());
        StatefulSet server = rendered.one(StatefulSet.class, "pganalytics-server");
        for (HorizontalPodAutoscaler hpa : rendered.all(HorizontalPodAutoscaler.class)) {
            assertEquals("StatefulSet", hpa.getSpec().getScaleTargetRef().getKind());
            assertEquals(server.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
            assertNotEquals(null, hpa.getSpec().getMaxReplicas());
            assertEquals(null, server.getSpec().getReplicas(), "with an autoscaler the StatefulSet leaves replicas to it");
        }
        for (PodDisruptionBudget pdb : rendered.all(PodDisruptionBudget.class)) {
            assertTrue(server.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                    .containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        }
        for (Ingress ingress : rendered.all(Ingress.class)) {
            var backend = ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend().getService();
            Service service = rendered.one(Service.class, backend.getName());
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(backend.getPort().getName())));
            assertFalse(ingress.getSpec().getTls().isEmpty(), "the Ingress serves TLS");
        }
        for (GenericKubernetesResource monitor : rendered.all(GenericKubernetesResource.class)) {
            if (monitor.getKind().equals("ServiceMonitor")) {
                @SuppressWarnings("unchecked")
                Map<String, String> labels = (Map<String, String>) ((Map<String, Object>) monitor.getAdditionalProperties()
                        .get("spec")).entrySet().stream().filter(e -> e.getKey().equals("selector"))
                        .map(e -> ((Map<String, Object>) e.getValue()).get("matchLabels")).findFirst().orElseThrow();
                List<Service> selected = rendered.all(Service.class).stream()
                        .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(labels.entrySet())).toList();
                assertEquals(1, selected.size(), "the ServiceMonitor selects one Service");
                assertTrue(selected.getFirst().getSpec().getPorts().stream().anyMatch(p -> p.getName().equals("admin")));
            }
        }
    }

    private static void assertSecretExists(Cases.Case c, Chart.Rendered rendered, String user, String name, List<String> keys) {
        if (Cases.EXTERNAL_SECRETS.contains(name)) {
            return;
        }
        Secret secret = rendered.find(Secret.class, name)
                .orElseThrow(() -> new AssertionError(c + ": " + user + " needs Secret " + name + ", not rendered"));
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        for (String key : keys) {
            assertTrue(data.containsKey(key), () -> c + ": Secret " + name + " has no key " + key + " (" + data.keySet() + ")");
        }
    }

    record Workload(String name, Map<String, String> selector, PodTemplateSpec template, List<String> claimTemplates) {
    }

    static List<Workload> workloads(Chart.Rendered rendered) {
        List<Workload> result = new ArrayList<>();
        rendered.all(StatefulSet.class).forEach(s -> result.add(new Workload(s.getMetadata().getName(),
                s.getSpec().getSelector().getMatchLabels(), s.getSpec().getTemplate(),
                s.getSpec().getVolumeClaimTemplates().stream().map(t -> t.getMetadata().getName()).toList())));
        rendered.all(DaemonSet.class).forEach(d -> result.add(new Workload(d.getMetadata().getName(),
                d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate(), List.of())));
        rendered.all(Deployment.class).forEach(d -> result.add(new Workload(d.getMetadata().getName(),
                d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate(), List.of())));
        return result;
    }

    static List<Container> containers(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream()).filter(Objects::nonNull).toList();
    }

}
