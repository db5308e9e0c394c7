package io.pganalytics.server.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsRegistryTest {

    @Test
    void countersGaugesAndHistogramsRenderInPrometheusTextFormat() {
        MetricsRegistry registry = new MetricsRegistry();
        registry.counter("pga_requests_total", "requests", "method").inc("GET");
        registry.counter("pga_requests_total", "requests", "method").add(2, "GET");
        registry.gauge("pga_queue_depth", "queue depth", () -> 7);
        MetricsRegistry.Histogram latency = registry.histogram("pga_latency_seconds", "latency", new double[]{0.1, 1});
        latency.observe(0.05);
        latency.observe(0.5);
        latency.observe(3);
        String text = registry.scrape();
        assertTrue(text.contains("# TYPE pga_requests_total counter\npga_requests_total{method=\"GET\"} 3\n"), text);
        assertTrue(text.contains("pga_queue_depth 7\n"), text);
        assertTrue(text.contains("pga_latency_seconds_bucket{le=\"0.1\"} 1\n"), text);
        assertTrue(text.contains("pga_latency_seconds_bucket{le=\"1\"} 2\n"), text);
        assertTrue(text.contains("pga_latency_seconds_bucket{le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("pga_latency_seconds_count 3\n"), text);
        assertTrue(text.contains("pga_latency_seconds_sum 3.55\n"), text);
    }

    @Test
    void labelValuesAreEscapedAndCountsMustMatchLabelNames() {
        MetricsRegistry registry = new MetricsRegistry();
        MetricsRegistry.Counter counter = registry.counter("pga_x_total", "x", "family");
        counter.inc("a\"b");
        assertTrue(registry.scrape().contains("pga_x_total{family=\"a\\\"b\"} 1"));
        assertThrows(IllegalArgumentException.class, () -> counter.inc("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> counter.add(-1, "a"));
        assertThrows(IllegalArgumentException.class, () -> registry.counter("bad name", "x"));
        assertEquals(1, counter.value("a\"b"));
    }
}
