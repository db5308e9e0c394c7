package io.pganalytics.server.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.pganalytics.server.metrics.MetricsRegistry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every API request passes here: counted while in flight (so that shutdown can drain them), refused with 503 once
 * the node drains or while it must not serve (a member that lost its cluster: a balancer without health checks, such as
 * the open-source nginx, then resends the request to another node), and measured (count by method and status class,
 * latency histogram).
 */
public final class RequestGate implements Filter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final MetricsRegistry.Counter requests;
    private final MetricsRegistry.Histogram latency;
    private final JsonBodies bodies;
    private final Supplier<String> refusal;

    public RequestGate(MetricsRegistry metrics, JsonBodies bodies) {
        this(metrics, bodies, () -> null);
    }

    /** @param refusal why this node must not serve now (a sentence, sent with the 503), or null */
    public RequestGate(MetricsRegistry metrics, JsonBodies bodies, Supplier<String> refusal) {
        this.bodies = bodies;
        this.refusal = refusal;
        this.requests = metrics.counter("pganalytics_http_requests_total", "API requests by method and status class", "method", "status");
        this.latency = metrics.histogram("pganalytics_http_request_seconds", "API request latency", MetricsRegistry.latencyBuckets(), "method");
        metrics.gauge("pganalytics_http_requests_in_flight", "API requests being served", inFlight::get);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String method = method(request.prologue().method().text());
        if (draining.get()) {
            ErrorMapping.send(bodies, request, response, ApiException.unavailable("this server node is shutting down: retry on another node", Duration.ofSeconds(1)));
            requests.inc(method, "5xx");
            return;
        }
        String refused = refusal.get();
        if (refused != null) {
            ErrorMapping.send(bodies, request, response, ApiException.unavailable("this server node " + refused
                    + ": retry on another node", Duration.ofSeconds(1)));
            requests.inc(method, "5xx");
            return;
        }
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
            latency.observe((System.nanoTime() - start) / 1e9, method);
            requests.inc(method, (response.status().code() / 100) + "xx");
        }
    }

    public boolean draining() {
        return draining.get();
    }

    /** Refuses new requests and waits, at most {@code grace}, for those in flight to finish; returns how many did not. */
    public int drain(Duration grace) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return inFlight.get();
    }

    private static String method(String method) {
        return switch (method) {
            case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" -> method;
            default -> "OTHER";
        };
    }
}
