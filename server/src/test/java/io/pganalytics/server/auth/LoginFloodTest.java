package io.pganalytics.server.auth;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 logins at once over real HTTPS, good and bad passwords mixed, from one address whose throttle is set out of the
 * way (so that every attempt reaches the password check): each gets 200, 401, 429 or 503 with Retry-After, never a
 * 500; the database pool never runs dry; and a normal login works right after.
 */
@Tag("fault-and-attack")
class LoginFloodTest {
    private static final int LOGINS = 200;
    private static PgAnalyticsServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("login_flood"), TestServers.newClusterName(), Map.of(
                "auth.login-rate-limit.address-failures-before-delay", "100000",
                "auth.login-rate-limit.user-failures-before-delay", "1000"));
        api = new ApiClient(server);
        String admin = api.loginAdmin();
        for (int i = 0; i < 4; i++) {
            ApiClient.Response created = api.post("/users", admin, "{\"username\":\"flood" + i + "\",\"password\":\""
                    + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"viewer\"]}");
            assertEquals(201, created.status(), created.body());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void twoHundredConcurrentLoginsGetOnly200_401_429Or503AndThePoolIsNeverExhausted() throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger maxActive = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        // 200 TLS handshakes at once on a small machine busy hashing: the client waits as long as it takes.
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(120))
                .sslContext(ApiClient.trusting(server.tls().orElseThrow().leaf())).build();
        List<CompletableFuture<Void>> logins = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < LOGINS; i++) {
                int n = i;
                logins.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    String user = n % 3 == 0 ? "nobody" + n : "flood" + (n % 4);
                    String password = n % 2 == 0 ? TestServers.ADMIN_PASSWORD : "wrong-password-" + n;
                    HttpRequest request = api.request("/auth/login", null).timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                            .build();
                    HttpResponse<String> response;
                    try {
                        response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException e) {
                        problems.add("no answer: " + e);
                        return;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    maxActive.accumulateAndGet(server.database().activeConnections(), Math::max);
                    if (!Set.of(200, 401, 429, 503).contains(response.statusCode())) {
                        problems.add(response.statusCode() + " " + response.body());
                    } else if (response.statusCode() >= 429 && response.headers().firstValue("Retry-After").isEmpty()) {
                        problems.add(response.statusCode() + " without Retry-After: " + response.body());
                    }
                    if (response.body().contains("Exception") || response.body().contains("\tat ")) {
                        problems.add("a stack trace in the answer: " + response.body());
                    }
                }, threads));
            }
            go.countDown();
            CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        }
        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((status, count) -> counts.put(status, count.get()));
        LoggerFactory.getLogger(LoginFloodTest.class).info("login flood: answers {}, most database connections in use {} of 8",
                counts, maxActive.get());
        assertEquals(List.of(), problems.stream().limit(5).toList(), "answers other than 200/401/429/503: " + counts);
        assertEquals(LOGINS, counts.values().stream().mapToInt(Integer::intValue).sum(), counts.toString());
        assertTrue(counts.getOrDefault(200, 0) > 0 || counts.getOrDefault(503, 0) > 0, counts.toString());
        assertTrue(maxActive.get() < 8, "the database pool (8) ran dry: " + maxActive.get() + " connections in use");
        assertEquals(200, api.post("/auth/login", null, "{\"username\":\"flood1\",\"password\":\"" + TestServers.ADMIN_PASSWORD + "\"}").status(),
                "a normal login right after the flood");
    }
}
