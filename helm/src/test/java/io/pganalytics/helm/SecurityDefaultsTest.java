package io.pganalytics.helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rendered pods run as the restricted Pod Security Standard asks: non-root, read-only root filesystem, no privilege
 * escalation, every capability dropped, the runtime's seccomp profile, CPU and memory limits, no service account token,
 * no host namespaces (except the DaemonSet's host network) and no RBAC at all. One named exception: the collector
 * DaemonSet's init container that hands the node directory to the collector's user runs as root with CHOWN alone.
 */
class SecurityDefaultsTest {
    static final List<Cases.Case> CASES = Cases.ALL;
    private static final String CHOWN_INIT = "state-owner";

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void everyContainerIsRestricted(Cases.Case c) {
        Chart.Rendered rendered = Chart.render(c.values());
        for (ChartObjectsTest.Workload w : ChartObjectsTest.workloads(rendered)) {
            PodSpec pod = w.template().getSpec();
            PodSecurityContext podContext = pod.getSecurityContext();
            assertNotNull(podContext, () -> c + ": " + w.name() + " has no pod security context");
            assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType(), w::name);
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), () -> c + ": " + w.name() + " mounts a token");
            assertFalse(Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC()), w::name);
            assertEquals(w.name().endsWith("-collector-daemonset"), Boolean.TRUE.equals(pod.getHostNetwork()),
                    () -> c + ": only the collector DaemonSet uses the host network: " + w.name());
            for (Container container : ChartObjectsTest.containers(pod)) {
                String where = c + ": " + w.name() + "/" + container.getName();
                SecurityContext context = container.getSecurityContext();
                assertNotNull(context, where);
                assertNotEquals(Boolean.TRUE, context.getPrivileged(), where);
                assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), where);
                assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), where);
                assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), where);
                assertEquals("RuntimeDefault", context.getSeccompProfile().getType(), where);
                if (container.getName().equals(CHOWN_INIT)) {
                    assertEquals(List.of("CHOWN"), context.getCapabilities().getAdd(), where);
                    assertEquals(0L, context.getRunAsUser(), where);
                    assertTrue(w.name().endsWith("-collector-daemonset"), where);
                } else {
                    boolean nonRoot = Boolean.TRUE.equals(context.getRunAsNonRoot())
                            || Boolean.TRUE.equals(podContext.getRunAsNonRoot()) && context.getRunAsUser() == null;
                    assertTrue(nonRoot, () -> where + " may run as root");
                    assertNotEquals(0L, podContext.getRunAsUser(), where);
                    assertTrue(context.getCapabilities().getAdd() == null || context.getCapabilities().getAdd().isEmpty(), where);
                }
                var limits = container.getResources().getLimits();
                assertTrue(limits != null && limits.containsKey("cpu") && limits.containsKey("memory"), () -> where + " has no limits");
                assertNotNull(container.getResources().getRequests(), where);
            }
        }
    }

    @Test
    void theServiceAccountHasNoTokenAndNoRoleIsBound() {
        Chart.Rendered rendered = Chart.render(Cases.COLLECTORS_DAEMONSET.values());
        ServiceAccount account = rendered.one(ServiceAccount.class, "pganalytics");
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
        List<HasMetadata> rbac = rendered.matching(o -> o.getApiVersion().startsWith("rbac.authorization.k8s.io"));
        assertEquals(List.of(), rbac, "Hazelcast's DNS discovery needs no Kubernetes API: no Role, no binding");
    }
}
