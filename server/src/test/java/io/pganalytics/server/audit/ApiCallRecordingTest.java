package io.pganalytics.server.audit;

import io.pganalytics.common.audit.AuditRecordView;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.ApiClient;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every API call leaves one record with who, from where, what route, which resource, the outcome and how long; over
 * real HTTPS against a real node. The node trusts 127.0.0.1 as a proxy, so that a request from 127.0.0.2 is an untrusted
 * peer whose forwarded headers must be ignored.
 */
class ApiCallRecordingTest {
    private static PgAnalyticsServer server;
    private static ApiClient api;
    private static RecordedAudit audit;
    private static String admin;
    private static String viewer;

    @BeforeAll
    static void start() {
        server = TestServers.start(SharedPostgres.newDatabase("audit_api"), TestServers.newClusterName(),
                Map.of("http.trusted-proxies", "127.0.0.1/32"));
        api = new ApiClient(server);
        audit = new RecordedAudit(server);
        admin = api.loginAdmin();
        viewer = api.loginNewViewer("vera");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String agent() {
        return "audit-test/" + UUID.randomUUID();
    }

    private static ApiClient.Response call(String method, String path, String token, String agent, String body) {
        HttpRequest.Builder request = api.request(path, token).header("User-Agent", agent);
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return api.send(request.build());
    }

    @Test
    void aGetIsRecordedOnceWithTheCallerTheRouteTemplateTheStatusTheNodeAndTheDuration() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        assertEquals(200, call("GET", "/instances", admin, agent, null).status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("GET /api/v1/instances", r.action());
        assertEquals("success", r.outcome());
        assertEquals(200, r.status());
        assertNull(r.errorType());
        assertEquals("user", r.actor().kind());
        assertEquals("admin", r.actor().name());
        assertEquals(List.of("admin"), r.actor().roles());
        assertEquals("127.0.0.1", r.actor().address());
        assertEquals(server.nodeName(), r.node());
        assertNotNull(r.durationMicros());
        assertTrue(r.durationMicros() >= 0);
    }

    @Test
    void aPathParameterIsRecordedAsTheResourceAndTheActionKeepsTheTemplate() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        ApiClient.Response answer = call("GET", "/instances/987654", viewer, agent, null);
        assertEquals(404, answer.status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("GET /api/v1/instances/{id}", r.action());
        assertEquals("instances", r.resourceType());
        assertEquals("987654", r.resourceId());
        assertEquals(404, r.status());
        assertEquals(answer.json().get("errorType").asText(), r.errorType());
        assertEquals("failure", r.outcome());
        assertEquals(List.of("viewer"), r.actor().roles());
    }

    @Test
    void aPostThatFailsValidationIsRecordedWithItsErrorType() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        ApiClient.Response answer = call("POST", "/users", admin, agent, "{\"username\":\"\"}");
        assertEquals(400, answer.status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("POST /api/v1/users", r.action());
        assertEquals(400, r.status());
        assertEquals(answer.json().get("errorType").asText(), r.errorType());
        assertEquals("failure", r.outcome());
        assertEquals("admin", r.actor().name());
    }

    @Test
    void aCallWithoutCredentialsIsRecordedAsAnonymousAndDenied() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        assertEquals(401, call("GET", "/instances", null, agent, null).status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("GET /api/v1/instances", r.action());
        assertEquals("anonymous", r.actor().kind());
        assertNull(r.actor().id());
        assertEquals("denied", r.outcome());
        assertEquals(401, r.status());
        assertEquals("unauthenticated", r.errorType());
    }

    @Test
    void aRefusedRoleIsRecordedAgainstTheCallerWhoWasRefused() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        assertEquals(403, call("POST", "/users", viewer, agent, "{\"username\":\"x\"}").status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("POST /api/v1/users", r.action());
        assertEquals("denied", r.outcome());
        assertEquals(403, r.status());
        assertEquals("forbidden", r.errorType());
        assertEquals("vera", r.actor().name());
        assertEquals(List.of("viewer"), r.actor().roles());
    }

    @Test
    void aCallToNoRouteIsRecordedWithItsPath() throws Exception {
        long mark = audit.mark();
        String agent = agent();
        assertEquals(404, call("GET", "/no/such/route", admin, agent, null).status());

        AuditRecordView r = audit.only(mark, "api", agent);
        assertEquals("GET (no route)", r.action());
        assertEquals("/api/v1/no/such/route", r.details().get("path").asText());
        assertEquals(404, r.status());
        assertEquals("not_found", r.errorType());
    }

    @Test
    void aForwardedAddressFromAnUntrustedPeerIsIgnoredAndFromATrustedProxyIsRecorded() throws Exception {
        long mark = audit.mark();
        String untrusted = agent();
        String trusted = agent();
        assertEquals(200, raw("127.0.0.2", "GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nUser-Agent: " + untrusted + "\r\nX-Forwarded-For: 203.0.113.9\r\nForwarded: for=198.51.100.7\r\nConnection: close\r\n\r\n"));
        assertEquals(200, raw("127.0.0.1", "GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nUser-Agent: " + trusted + "\r\nX-Forwarded-For: 198.51.100.1, 203.0.113.9\r\nConnection: close\r\n\r\n"));

        assertEquals("127.0.0.2", audit.only(mark, "api", untrusted).actor().address(), "an untrusted peer cannot choose its address");
        assertEquals("203.0.113.9", audit.only(mark, "api", trusted).actor().address(),
                "behind a trusted proxy: the nearest hop the proxy saw, not what the client put in front of it");
    }

    @Test
    void aHugeUserAgentOrOneWithControlCharactersIsRefusedAndALongOneIsRecordedBounded() throws Exception {
        long mark = audit.mark();
        String huge = "h".repeat(10 * 1024 * 1024);
        int status = raw("127.0.0.1", "GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nUser-Agent: " + huge + "\r\nConnection: close\r\n\r\n");
        assertTrue(status == 431 || status == 400 || status == -1, "a 10 MB header is refused before any route, was " + status);
        assertEquals(400, raw("127.0.0.1", "GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nUser-Agent: evil\u0001agent\r\nConnection: close\r\n\r\n"), "a control character in a header is refused");

        String marker = "long-" + UUID.randomUUID();
        String agent = marker + "x".repeat(8000);
        assertEquals(200, raw("127.0.0.1", "GET /api/v1/instances HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
                + "\r\nUser-Agent: " + agent + "\r\nConnection: close\r\n\r\n"));
        List<AuditRecordView> records = audit.after(mark, r -> r.actor() != null && r.actor().userAgent() != null
                && r.actor().userAgent().startsWith(marker));
        assertEquals(1, records.size());
        String recorded = records.getFirst().actor().userAgent();
        assertTrue(recorded.length() < 320, "bounded: " + recorded.length() + " characters");
        assertTrue(recorded.endsWith("more characters cut]"), recorded);
        assertFalse(audit.after(mark, r -> r.actor() != null && r.actor().userAgent() != null).stream()
                .anyMatch(r -> r.actor().userAgent().length() > 320 || r.actor().userAgent().contains("\u0001")));
        assertEquals(200, call("GET", "/instances", admin, agent(), null).status(), "the node still serves");
    }

    /** Sends a raw request over TLS from the given local address; returns the status, or -1 when the node closed first. */
    private static int raw(String from, String request) throws IOException {
        Socket plain = new Socket();
        plain.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        try (SSLSocket tls = (SSLSocket) ApiClient.trusting(server.tls().orElseThrow().leaf()).getSocketFactory()
                .createSocket(plain, "127.0.0.1", server.port(), true)) {
            tls.setSoTimeout(15_000);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closedWhileWriting) {
                // the node may refuse and close before a huge request is all written: read what it answered
            }
            InputStream in = tls.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0 && answer.size() < 1 << 20) {
                    answer.write(buffer, 0, n);
                    String text = answer.toString(StandardCharsets.ISO_8859_1);
                    if (text.contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (IOException reset) {
                // closed by the node
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
        }
    }
}
