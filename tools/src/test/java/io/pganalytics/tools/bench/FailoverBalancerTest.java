package io.pganalytics.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The load-balancer templates of installers/lb, filled in as the failover bench does, and checked by the balancers. */
class FailoverBalancerTest {
    private static final Path TEMPLATES = Path.of("..", "installers", "lb");
    private static final List<FailoverBalancer.Node> NODES = List.of(new FailoverBalancer.Node(41001, 42001),
            new FailoverBalancer.Node(41002, 42002), new FailoverBalancer.Node(41003, 42003));
    private static final FailoverBalancer.Certificates FILES = new FailoverBalancer.Certificates(Path.of("/f/front.crt"),
            Path.of("/f/front.key"), Path.of("/f/front.pem"), Path.of("/f/ca.pem"));

    @Test
    void everyPlaceholderOfBothTemplatesIsFilledInAndEveryNodeIsBehindTheBalancer() throws IOException {
        for (String template : List.of("haproxy.cfg", "nginx.conf")) {
            String rendered = FailoverBalancer.render(Files.readString(TEMPLATES.resolve(template)), 40000, NODES, FILES);
            for (String line : rendered.lines().toList()) {
                if (!line.stripLeading().startsWith("#")) {
                    assertFalse(Pattern.compile("<[a-z][a-z0-9.-]*>").matcher(line).find(), template + ": " + line);
                }
            }
            for (FailoverBalancer.Node node : NODES) {
                assertTrue(rendered.contains("127.0.0.1:" + node.apiPort()), template + " misses node " + node);
            }
            assertTrue(rendered.contains("127.0.0.1:40000"), template + " does not listen on the bench's port");
        }
    }

    @Test
    void haproxyChecksEachNodesReadinessOnItsOwnAdminPort() throws IOException {
        String rendered = FailoverBalancer.render(Files.readString(TEMPLATES.resolve("haproxy.cfg")), 40000, NODES, FILES);
        assertTrue(rendered.contains("uri /health/ready"), rendered);
        for (FailoverBalancer.Node node : NODES) {
            assertTrue(rendered.lines().anyMatch(l -> l.contains("127.0.0.1:" + node.apiPort()) && l.contains("port " + node.adminPort())),
                    "no health check of node " + node + " on its admin port");
        }
    }

    @Test
    void haproxysReadinessCheckSpeaksHttp11WithAHostForTheServerAnswers505ToHttp10() throws IOException {
        String rendered = FailoverBalancer.render(Files.readString(TEMPLATES.resolve("haproxy.cfg")), 40000, NODES, FILES);
        List<String> checks = rendered.lines().filter(l -> l.contains("http-check send")).toList();
        assertFalse(checks.isEmpty());
        for (String check : checks) {
            assertTrue(check.contains("ver HTTP/1.1") && check.contains("hdr Host "), check);
        }
    }

    @Test
    void haproxyResendsOnlyIdempotentRequestsAndKeyedIngest() throws IOException {
        String template = Files.readString(TEMPLATES.resolve("haproxy.cfg"));
        assertTrue(template.contains("retry-on conn-failure empty-response 503"), "no L7 retry of a draining node's 503");
        assertTrue(template.contains("http-request disable-l7-retry unless idempotent_method or keyed_ingest keyed_ingest_header"),
                "L7 retries are not limited to GET/HEAD and ingest with an Idempotency-Key");
    }

    @Test
    void aTemplateNamingMoreNodesThanTheBenchRunsIsRefused() throws IOException {
        String template = Files.readString(TEMPLATES.resolve("haproxy.cfg"));
        assertThrows(IOException.class, () -> FailoverBalancer.render(template, 40000, NODES.subList(0, 2), FILES));
    }

    @Test
    void aPlaceholderTheBenchDoesNotKnowIsRefused() {
        assertThrows(IOException.class, () -> FailoverBalancer.render("backend x\n    server a <server-1>:8443 ca-file <unknown-ca>\n",
                40000, NODES, FILES));
    }

    @Test
    void theFilledInTemplatesPassHaproxyAndNginxOwnChecks(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")) && Files.isExecutable(Path.of("/usr/sbin/nginx")),
                "haproxy and nginx are installed (apt-get install haproxy nginx)");
        Path selfSigned = dir.resolve("node.crt");
        FailoverDatabase.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", dir.resolve("node.key").toString(), "-out", selfSigned.toString(), "-days", "1",
                "-subj", "/CN=localhost"), Duration.ofSeconds(60));
        FailoverBalancer.Certificates files = FailoverBalancer.certificates(dir, List.of(selfSigned, selfSigned));
        Path haproxy = dir.resolve("haproxy.cfg");
        Files.writeString(haproxy, FailoverBalancer.render(Files.readString(TEMPLATES.resolve("haproxy.cfg")), 40000, NODES, files));
        FailoverDatabase.run(List.of("haproxy", "-c", "-f", haproxy.toString()), Duration.ofSeconds(60));
        Path nginx = dir.resolve("nginx.conf");
        Files.writeString(nginx, FailoverBalancer.render(Files.readString(TEMPLATES.resolve("nginx.conf")), 40000, NODES, files));
        FailoverDatabase.run(List.of("nginx", "-t", "-q", "-c", nginx.toString(), "-p", dir.toString(), "-e",
                dir.resolve("error.log").toString(), "-g", "pid " + dir.resolve("nginx.pid") + ";"), Duration.ofSeconds(60));
    }
}
