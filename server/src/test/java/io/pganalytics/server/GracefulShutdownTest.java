package io.pganalytics.server;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.http.Access;
import io.pganalytics.server.http.ApiService;
import io.pganalytics.server.http.CallerAuthenticator;
import io.pganalytics.server.http.JsonBodies;
import io.pganalytics.server.http.RequestGate;
import io.pganalytics.server.http.RouteCatalog;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Draining: requests in flight finish, new ones are refused with a 503 envelope that tells the client to retry. */
class GracefulShutdownTest {

    @Test
    void drainingLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ApiService slow = rules -> rules.get("/slow", Access.PUBLIC, (req, res) -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            res.send("done");
        }).get("/fast", Access.PUBLIC, (req, res) -> res.send("ok"));
        JsonBodies bodies = new JsonBodies(JsonMapping.newMapper(), 1024);
        RequestGate gate = new RequestGate(new MetricsRegistry(), bodies);
        HttpRouting.Builder routing = HttpRouting.builder();
        PgAnalyticsServer.routing(routing, gate,
                new io.pganalytics.server.http.RequestScreen(new io.pganalytics.server.http.SecurityHeaders(false), bodies, java.util.Optional.empty()), bodies, CallerAuthenticator.NONE, CallerAuthenticator.NONE, new RouteCatalog(), List.of(slow));
        WebServer server = WebServer.builder().featuresDiscoverServices(false).host("127.0.0.1").port(0).routing(routing).build().start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port() + "/api/v1";
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> {
                try {
                    return gate.drain(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!gate.draining() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/fast")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertTrue(refused.body().contains("\"errorType\":\"unavailable\""), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            release.countDown();
            assertEquals("done", inFlight.get(10, TimeUnit.SECONDS).body(), "the request in flight completed");
            assertEquals(0, drained.get(10, TimeUnit.SECONDS), "nothing was left in flight");
        } finally {
            server.stop();
        }
    }
}
