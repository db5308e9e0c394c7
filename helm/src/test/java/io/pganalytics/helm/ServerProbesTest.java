package io.pganalytics.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.helidon.webserver.WebServer;
import io.pganalytics.server.health.AdminRoutes;
import io.pganalytics.server.metrics.MetricsRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's probes ask the admin listener's real routes: the paths the StatefulSet's probes name are served by the
 * server's own {@link AdminRoutes} (started here on a loopback port), liveness answers 200 while readiness answers 503
 * when the node drains, on the container port named admin. Termination leaves the drain its time.
 */
class ServerProbesTest {
    private static final AtomicBoolean DRAINING = new AtomicBoolean();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static WebServer admin;
    private static Container server;
    private static StatefulSet set;

    @BeforeAll
    static void start() {
        AdminRoutes routes = new AdminRoutes(List.of(), DRAINING::get, new MetricsRegistry(), new ObjectMapper());
        admin = WebServer.builder().featuresDiscoverServices(false).shutdownHook(false).host("127.0.0.1").port(0)
                .routing(routing -> routing.register(routes)).build().start();
        set = Chart.render(Cases.DEFAULTS.values()).one(StatefulSet.class, "pganalytics-server");
        server = set.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    @AfterAll
    static void stop() {
        admin.stop();
    }

    @Test
    void probesUseTheAdminPortAndPathsTheServerServes() throws Exception {
        DRAINING.set(false);
        for (Probe probe : List.of(server.getStartupProbe(), server.getLivenessProbe(), server.getReadinessProbe())) {
            HTTPGetAction get = probe.getHttpGet();
            assertNull(get.getScheme(), "HTTP: the admin listener has no TLS");
            assertEquals("admin", get.getPort().getStrVal());
            int port = server.getPorts().stream().filter(p -> p.getName().equals("admin")).findFirst().orElseThrow().getContainerPort();
            assertEquals(9090, port);
            assertEquals(200, status(get.getPath()), get.getPath());
        }
        assertEquals("/health/live", server.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/health/ready", server.getReadinessProbe().getHttpGet().getPath());
    }

    @Test
    void aDrainingNodeLeavesTheEndpointsButIsNotRestarted() throws Exception {
        DRAINING.set(true);
        try {
            assertEquals(503, status(server.getReadinessProbe().getHttpGet().getPath()));
            assertEquals(200, status(server.getLivenessProbe().getHttpGet().getPath()));
        } finally {
            DRAINING.set(false);
        }
    }

    @Test
    void terminationOutlastsThePauseTheDrainAndTheHandOver() {
        long grace = set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        List<String> preStop = server.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.getFirst());
        long pause = Long.parseLong(preStop.get(1));
        assertTrue(grace > pause + 10 + 30, "grace " + grace + " s: pre-stop " + pause + " s + shutdown-grace 10 s + Hazelcast 30 s");
    }

    private static int status(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
