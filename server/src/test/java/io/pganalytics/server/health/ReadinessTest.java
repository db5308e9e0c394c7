package io.pganalytics.server.health;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.TestServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Readiness follows the database: not-ready while it is down, ready again when it returns, without a restart. */
class ReadinessTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readinessTurnsNotReadyWhenTheDatabaseStopsAndReadyWhenItReturns(@TempDir Path pgData) throws Exception {
        int port = TestServers.freePort();
        EmbeddedPostgres postgres = database(pgData, port);
        try (PgAnalyticsServer server = TestServers.start("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                TestServers.newClusterName(), Map.of("database.connection-timeout", "1s"))) {
            String ready = "http://127.0.0.1:" + server.adminPort() + "/health/ready";
            awaitStatus(ready, 200);
            assertEquals(200, get("http://127.0.0.1:" + server.adminPort() + "/health/live").statusCode());

            postgres.close();
            HttpResponse<String> down = awaitStatus(ready, 503);
            var checks = io.pganalytics.common.json.JsonMapping.newMapper().readTree(down.body()).get("checks");
            assertEquals("DOWN", checks.get("database").get("status").asText(), down.body());
            assertEquals("UP", checks.get("cluster").get("status").asText(), down.body());
            assertEquals(200, get("http://127.0.0.1:" + server.adminPort() + "/health/live").statusCode(), "still alive");

            postgres = database(pgData, port);
            awaitStatus(ready, 200);
        } finally {
            postgres.close();
        }
    }

    /**
     * What the node owns of a database outage: the time from the database accepting connections again to the node
     * being ready. The outage lasts long enough for the pool's connection attempts to back off to their longest pause
     * (HikariCP sleeps up to 5 s between failed attempts) while a balancer's probe asks every 200 ms.
     */
    @Test
    void readinessReturnsWithinASecondOfTheDatabaseAcceptingConnectionsAgain(@TempDir Path pgData) throws Exception {
        int port = TestServers.freePort();
        EmbeddedPostgres postgres = database(pgData, port);
        try (PgAnalyticsServer server = TestServers.start("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                TestServers.newClusterName(), Map.of())) {
            String ready = "http://127.0.0.1:" + server.adminPort() + "/health/ready";
            awaitStatus(ready, 200);
            postgres.close();
            awaitStatus(ready, 503);
            long outageEnds = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < outageEnds) {
                get(ready);                      // the balancer's probe, as during a real outage
                Thread.sleep(200);               // its interval, bounded by the outage's end above
            }
            postgres = database(pgData, port);   // returns once PostgreSQL accepts connections
            awaitStatus(ready, 200, Duration.ofMillis(1500));
        } finally {
            postgres.close();
        }
    }

    private static EmbeddedPostgres database(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }

    private HttpResponse<String> awaitStatus(String url, int status) throws Exception {
        return awaitStatus(url, status, Duration.ofSeconds(30));
    }

    private HttpResponse<String> awaitStatus(String url, int status, Duration within) throws Exception {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(url);
            if (last.statusCode() == status) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + status + " from " + url + " within " + within.toMillis() + " ms (waited "
                + (System.nanoTime() - started) / 1_000_000 + " ms), last " + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
