package io.pganalytics.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus Operator's objects appear only where its API exists (or is declared for offline rendering), and the
 * PrometheusRule asks only for metric names the server registers (read from its sources): a renamed metric fails here.
 */
class MonitoringTest {
    private static final Pattern METRIC = Pattern.compile("pganalytics_[a-z_]+");
    private static final Path SERVER_SOURCES = Path.of(System.getProperty("pga.server.sources", "../server/src/main/java"));

    @Test
    void operatorObjectsOnlyWhenItsApiExists() {
        Map<String, Object> enabled = Chart.values("metrics.serviceMonitor.enabled", true, "metrics.prometheusRule.enabled", true,
                "verticalPodAutoscaler.enabled", true);
        assertEquals(List.of(), Chart.render(enabled).all(GenericKubernetesResource.class),
                "no monitoring.coreos.com/v1 or autoscaling.k8s.io/v1 in the cluster: nothing of theirs is rendered");
        List<String> kinds = Chart.render(Cases.PROMETHEUS_OPERATOR.values()).all(GenericKubernetesResource.class).stream()
                .map(GenericKubernetesResource::getKind).sorted().toList();
        assertEquals(List.of("PrometheusRule", "ServiceMonitor", "VerticalPodAutoscaler"), kinds);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ruleExpressionsUseMetricsTheServerRegisters() throws IOException {
        GenericKubernetesResource rule = Chart.render(Cases.PROMETHEUS_OPERATOR.values()).all(GenericKubernetesResource.class)
                .stream().filter(r -> r.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
        List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).get("groups");
        Set<String> used = new TreeSet<>();
        int rules = 0;
        for (Map<String, Object> group : groups) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                rules++;
                Matcher m = METRIC.matcher((String) r.get("expr"));
                while (m.find()) {
                    used.add(m.group());
                }
                assertTrue(r.containsKey("alert") && ((Map<String, Object>) r.get("annotations")).containsKey("summary"));
            }
        }
        assertTrue(rules >= 5, "rules on the server's health: " + rules);
        String sources;
        try (Stream<Path> files = Files.walk(SERVER_SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Chart::read).reduce("", String::concat);
        }
        assertFalse(used.isEmpty());
        for (String metric : used) {
            assertTrue(sources.contains("\"" + metric + "\""), () -> metric + " is not a metric the server registers");
        }
    }
}
