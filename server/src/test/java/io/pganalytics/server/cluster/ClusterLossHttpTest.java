package io.pganalytics.server.cluster;

import io.pganalytics.common.json.JsonMapping;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.Eventually;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that has lost its cluster (it sees fewer members than {@code cluster.min-size} after having seen that many)
 * is taken out of service on both fronts: readiness DOWN with the reason, for balancers with health checks, and the API
 * answering 503 with {@code Retry-After: 1}, which balancers without them (the open-source nginx) resend elsewhere.
 */
class ClusterLossHttpTest {
    @Test
    void aNodeThatLostItsClusterIsNotReadyAndItsApiAnswers503() throws Exception {
        Map<String, String> quorum = Map.of("cluster.min-size", "2");
        TestServers.TwoNodes nodes = TestServers.startTwo(SharedPostgres.newDatabase("cluster_loss"), quorum, quorum);
        try (PgAnalyticsServer a = nodes.a()) {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
            a.tls().ifPresent(tls -> builder.sslContext(ApiClient.trusting(tls.leaf())));
            HttpClient http = builder.build();
            String ready = "http://127.0.0.1:" + a.adminPort() + "/health/ready";
            assertEquals(200, get(http, ready).statusCode(), "ready with both members");

            nodes.b().close();

            Eventually.await(Duration.ofSeconds(30), "node A's readiness turns DOWN", () -> status(http, ready) == 503);
            HttpResponse<String> down = get(http, ready);
            var cluster = JsonMapping.newMapper().readTree(down.body()).get("checks").get("cluster");
            assertEquals("DOWN", cluster.get("status").asText(), down.body());
            assertTrue(cluster.get("reason").asText().contains("lost its cluster: sees 1 member(s) of the 2 needed"), down.body());

            HttpResponse<String> api = get(http, a.apiUrl() + "/instances");
            assertEquals(503, api.statusCode(), api.body());
            assertEquals("1", api.headers().firstValue("Retry-After").orElse(""), "balancers resend it elsewhere at once");
            assertTrue(api.body().contains("lost its cluster"), api.body());
        } finally {
            nodes.b().close();
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return get(http, url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
