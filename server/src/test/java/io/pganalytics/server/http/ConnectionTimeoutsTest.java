package io.pganalytics.server.http;

import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.query.SeriesData;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.RawHttp;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that hold a place without doing their part are closed (slowloris): unfinished headers, even trickled a
 * byte at a time; an unfinished body; a TCP connection that never starts TLS. Bounds here are short (1 to 2 s) and
 * the test only asks that the server closed the connection well within 20 s (it kept them for minutes before). A
 * live stream, which only writes, outlives the read timeout.
 */
@Tag("fault-and-attack")
class ConnectionTimeoutsTest {
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(20);
    private static PgAnalyticsServer server;
    private static RawHttp raw;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("connection_timeouts"), TestServers.newClusterName(), Map.of(
                "http.header-timeout", "1s",
                "http.read-idle-timeout", "2s",
                "http.tls.handshake-timeout", "1s",
                "live.heartbeat", "500ms"));
        raw = new RawHttp(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void unfinishedHeadersAreClosedEvenWhenTrickled() throws Exception {
        try (Socket socket = raw.open()) {
            write(socket, "GET /api/v1/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            long deadline = System.nanoTime() + CLOSED_WITHIN.toNanos();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(300);
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    write(socket, "a"); // one byte every 300 ms: never idle, never done
                    closed = in.read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // keep trickling
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "the server closed a connection whose headers never ended");
        }
    }

    @Test
    void anUnfinishedBodyIsClosed() {
        try (Socket socket = raw.open()) {
            write(socket, "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"username\":");
            assertTrue(RawHttp.closedBy(socket, CLOSED_WITHIN), "the server closed a connection whose body stopped");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aConnectionThatNeverStartsTlsIsClosed() throws IOException {
        try (Socket socket = raw.openTcp()) {
            assertTrue(RawHttp.closedBy(socket, CLOSED_WITHIN), "the server closed a TCP connection that sent nothing");
        }
    }

    @Test
    void aConnectionThatStopsInTheMiddleOfItsHandshakeIsClosed() throws IOException {
        try (Socket socket = raw.openTcp()) {
            write(socket, "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003"); // the start of a ClientHello
            assertTrue(RawHttp.closedBy(socket, CLOSED_WITHIN), "the server closed a connection stuck in its handshake");
        }
    }

    @Test
    void ordinaryRequestsAndALiveStreamOutlastTheTimeouts() throws Exception {
        ApiClient api = new ApiClient(server);
        String token = api.loginAdmin();
        assertEquals(200, api.get("/auth/me", token).status());
        long instance = new SeriesData(server).instance("timeouts-live", Instant.now(), Instant.now(), false);
        HttpRequest request = api.request("/instances/" + instance + "/live", token)
                .timeout(Duration.ofMinutes(1)).header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> response = api.send(request, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                response.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("broken: " + e);
            }
            lines.add("<end of stream>");
        });
        try {
            // Past the read timeout (2 s) and the header timeout (1 s) several times over: heartbeats still arrive.
            Instant until = Instant.now().plusSeconds(6);
            while (Instant.now().isBefore(until)) {
                String line = lines.poll(5, TimeUnit.SECONDS);
                assertTrue(line != null && !line.startsWith("broken") && !line.equals("<end of stream>"),
                        "the stream is still open and beating: " + line);
            }
        } finally {
            response.body().close();
        }
        assertEquals(200, api.get("/auth/me", token).status(), "a new request after the stream");
    }
}
