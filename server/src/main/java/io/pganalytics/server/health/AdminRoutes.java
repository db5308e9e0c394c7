package io.pganalytics.server.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health/live}, {@code GET /health/ready} and {@code GET /metrics} on the admin listener.
 * Each readiness check runs with a deadline, so a hung database makes the node not-ready instead of hanging the probe.
 */
public final class AdminRoutes implements HttpService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final Duration CHECK_DEADLINE = Duration.ofSeconds(3);

    private final List<HealthCheck> readiness;
    private final BooleanSupplier draining;
    private final MetricsRegistry metrics;
    private final ObjectMapper mapper;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    public AdminRoutes(List<HealthCheck> readiness, BooleanSupplier draining, MetricsRegistry metrics, ObjectMapper mapper) {
        this.readiness = List.copyOf(readiness);
        this.draining = draining;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health/live", this::live)
                .get("/health/ready", this::ready)
                .get("/metrics", this::metrics);
    }

    private void live(ServerRequest request, ServerResponse response) throws Exception {
        send(response, Status.OK_200, Map.of("status", "UP"));
    }

    private void ready(ServerRequest request, ServerResponse response) throws Exception {
        Map<String, Object> results = new LinkedHashMap<>();
        boolean up = true;
        if (draining.getAsBoolean()) {
            results.put("node", down("draining: the server is shutting down"));
            up = false;
        }
        List<Future<String>> futures = new ArrayList<>();
        for (HealthCheck check : readiness) {
            futures.add(checks.submit(() -> check.probe().problem()));
        }
        long deadline = System.nanoTime() + CHECK_DEADLINE.toNanos();
        for (int i = 0; i < readiness.size(); i++) {
            String problem = await(futures.get(i), deadline, readiness.get(i).name());
            if (problem == null) {
                results.put(readiness.get(i).name(), Map.of("status", "UP"));
            } else {
                results.put(readiness.get(i).name(), down(problem));
                up = false;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", results);
        send(response, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, body);
    }

    private static Map<String, Object> down(String reason) {
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("status", "DOWN");
        check.put("reason", reason);
        return check;
    }

    private static String await(Future<String> future, long deadlineNanos, String name) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return "no answer within " + CHECK_DEADLINE.toMillis() + " ms";
        } catch (ExecutionException e) {
            LOG.debug("readiness check {} failed", name, e.getCause());
            return String.valueOf(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void metrics(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        response.send(metrics.scrape());
    }

    private void send(ServerResponse response, Status status, Object body) throws Exception {
        response.status(status);
        response.header(HeaderValues.CONTENT_TYPE_JSON);
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(mapper.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
