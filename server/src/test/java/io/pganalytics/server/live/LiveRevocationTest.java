package io.pganalytics.server.live;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.ManualClock;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live stream lasts no longer than the sign-in it was opened with: logging out (on another node), being disabled or
 * losing a role ends it at once, and so does the access token's expiry; one user cannot take every stream slot.
 */
@Tag("fault-and-attack")
class LiveRevocationTest {
    private static final String END_OF_STREAM = "<end of stream>";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static PgAnalyticsServer nodeA;
    private static PgAnalyticsServer nodeB;
    private static ApiClient apiA;
    private static ApiClient apiB;
    private static String adminA;
    private static long instance;
    private final List<Stream<String>> open = new ArrayList<>();

    @BeforeAll
    static void start() {
        String database = SharedPostgres.newDatabase("live_revocation");
        Map<String, String> settings = Map.of("live.heartbeat", "300ms", "live.max-streams-per-user", "2");
        TestServers.TwoNodes nodes = TestServers.startTwo(database, settings, settings);
        nodeA = nodes.a();
        nodeB = nodes.b();
        apiA = new ApiClient(nodeA);
        apiB = new ApiClient(nodeB);
        adminA = apiA.loginAdmin();
        instance = new SeriesData(nodeA).instance("live-revocation", Instant.now(), Instant.now(), false);
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @AfterEach
    void closeStreams() {
        open.forEach(Stream::close);
        open.clear();
        io.pganalytics.server.testing.Eventually.await(Duration.ofSeconds(10), "every stream closed",
                () -> nodeA.live().openStreams() == 0 && nodeB.live().openStreams() == 0);
    }

    /** A new viewer (created on A) and a token of theirs; the user's id is in the token's subject. */
    private static String[] newViewer() {
        String name = "live-rev-" + USERS.incrementAndGet();
        ApiClient.Response created = apiA.post("/users", adminA, "{\"username\":\"" + name + "\",\"password\":\""
                + TestServers.ADMIN_PASSWORD + "\",\"roles\":[\"viewer\"]}");
        assertEquals(201, created.status(), created.body());
        return new String[] {created.json().get("id").asText(), apiA.login(name, TestServers.ADMIN_PASSWORD)};
    }

    private int[] status = new int[1];

    /** Opens a stream and reads its lines on a thread of their own; {@value #END_OF_STREAM} once the server ends it. */
    private BlockingQueue<String> connect(PgAnalyticsServer node, String token) {
        ApiClient api = new ApiClient(node);
        HttpRequest request = api.request("/instances/" + instance + "/live", token)
                .timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = api.send(request, HttpResponse.BodyHandlers.ofLines());
        status[0] = response.statusCode();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        open.add(response.body());
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("broken: " + e);
            }
            lines.add(END_OF_STREAM);
        });
        return lines;
    }

    private BlockingQueue<String> stream(PgAnalyticsServer node, String token) {
        BlockingQueue<String> lines = connect(node, token);
        assertEquals(200, status[0]);
        return lines;
    }

    /** Whether the stream ends within the timeout (heartbeats and events before it are skipped). */
    private static boolean ends(BlockingQueue<String> lines, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return false;
            }
            if (line.equals(END_OF_STREAM)) {
                return true;
            }
        }
    }

    @Test
    void loggingOutOnOneNodeEndsTheSessionsStreamOnTheOther() throws Exception {
        String token = newViewer()[1];
        BlockingQueue<String> lines = stream(nodeB, token);
        assertTrue(!ends(lines, Duration.ofSeconds(1)), "the stream stays open while signed in");
        assertEquals(204, apiA.post("/auth/logout", token, "").status());
        assertTrue(ends(lines, Duration.ofSeconds(10)), "the stream ended after logout on the other node");
    }

    @Test
    void disablingAUserEndsTheirStreams() throws Exception {
        String[] viewer = newViewer();
        BlockingQueue<String> lines = stream(nodeB, viewer[1]);
        assertTrue(!ends(lines, Duration.ofSeconds(1)), "the stream stays open while enabled");
        assertEquals(200, apiA.patch("/users/" + viewer[0], adminA, "{\"enabled\":false}").status());
        assertTrue(ends(lines, Duration.ofSeconds(10)), "the stream ended when the user was disabled");
    }

    @Test
    void losingTheViewerRoleEndsTheirStreams() throws Exception {
        String[] viewer = newViewer();
        BlockingQueue<String> lines = stream(nodeA, viewer[1]);
        assertTrue(!ends(lines, Duration.ofSeconds(1)));
        assertEquals(200, apiA.patch("/users/" + viewer[0], adminA, "{\"roles\":[\"auditor\"]}").status());
        assertTrue(ends(lines, Duration.ofSeconds(10)), "the stream ended when the role was removed");
    }

    @Test
    void oneUserMayHoldOnlyTheirShareOfStreams() throws Exception {
        String[] viewer = newViewer();
        stream(nodeB, viewer[1]);
        stream(nodeB, viewer[1]);
        connect(nodeB, viewer[1]);
        assertEquals(429, status[0], "a third stream of one user on one node (live.max-streams-per-user = 2)");
        stream(nodeB, newViewer()[1]); // another user still gets one
    }

    @Test
    void aStreamEndsWhenItsAccessTokenExpires() throws Exception {
        ManualClock clock = ManualClock.startingNow();
        PgAnalyticsServer node = TestServers.start(SharedPostgres.newDatabase("live_expiry"), TestServers.newClusterName(),
                Map.of("live.heartbeat", "300ms", "auth.access-token-ttl", "1m"), clock);
        try {
            ApiClient api = new ApiClient(node);
            long id = new SeriesData(node).instance("live-expiry", Instant.now(), Instant.now(), false);
            String token = api.loginAdmin();
            HttpRequest request = api.request("/instances/" + id + "/live", token)
                    .timeout(Duration.ofMinutes(5)).header("Accept", "text/event-stream").GET().build();
            HttpResponse<Stream<String>> response = api.send(request, HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            open.add(response.body());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException e) {
                    lines.add("broken: " + e);
                }
                lines.add(END_OF_STREAM);
            });
            clock.advance(Duration.ofSeconds(50));
            assertTrue(!ends(lines, Duration.ofSeconds(1)), "the stream stays open while the token is valid");
            clock.advance(Duration.ofSeconds(11));
            assertTrue(ends(lines, Duration.ofSeconds(10)), "the stream ended when its token expired");
        } finally {
            node.close();
        }
    }
}
