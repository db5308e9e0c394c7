package io.pganalytics.tools.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real load balancer in front of the failover bench's nodes: HAProxy or nginx run from the operator's templates
 * ({@code installers/lb/haproxy.cfg}, {@code installers/lb/nginx.conf}) with their placeholders filled in, so that the
 * bench proves the templates themselves. TLS is terminated at the balancer (a certificate made here with openssl) and
 * re-encrypted to the nodes, verified against their own generated certificates.
 */
final class FailoverBalancer implements AutoCloseable {
    /** A placeholder left on a line that is not a comment. */
    private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z][a-z0-9.-]*>");
    private static final Pattern SERVER = Pattern.compile("<server-(\\d+)>:8443");

    enum Kind {
        HAPROXY("haproxy", "haproxy.cfg"), NGINX("nginx", "nginx.conf");

        final String label;
        final String template;

        Kind(String label, String template) {
            this.label = label;
            this.template = template;
        }
    }

    /** Where a node is: its API port and its admin port (health). */
    record Node(int apiPort, int adminPort) {
    }

    /** The files the filled-in template names. */
    record Certificates(Path frontendCert, Path frontendKey, Path frontendCombined, Path serverCa) {
    }

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private FailoverBalancer(Kind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * The template with its placeholders filled in: {@code <listen-address>:443} becomes 127.0.0.1 and {@code port},
     * each {@code <server-K>:8443} node K's API address (and {@code port 9090} on its line node K's admin port), the
     * certificate placeholders the given files, {@code <server-name>} localhost. Fails when the template names more
     * nodes than there are, or when a placeholder is left outside a comment.
     */
    static String render(String template, int port, List<Node> nodes, Certificates files) throws IOException {
        StringBuilder out = new StringBuilder();
        int lineNumber = 0;
        for (String line : template.split("\n", -1)) {
            lineNumber++;
            if (line.stripLeading().startsWith("#")) {
                out.append(line).append('\n');
                continue;
            }
            Matcher server = SERVER.matcher(line);
            if (server.find()) {
                int index = Integer.parseInt(server.group(1));
                if (index < 1 || index > nodes.size()) {
                    throw new IOException("line " + lineNumber + " names <server-" + index + "> but there are " + nodes.size() + " nodes");
                }
                Node node = nodes.get(index - 1);
                line = server.replaceFirst("127.0.0.1:" + node.apiPort()).replace("port 9090", "port " + node.adminPort());
            }
            line = line.replace("<listen-address>:443", "127.0.0.1:" + port)
                    .replace("<frontend-cert.pem>", (line.contains(" crt ")
                            ? files.frontendCombined() : files.frontendCert()).toString())
                    .replace("<frontend-key.pem>", files.frontendKey().toString())
                    .replace("<server-ca.pem>", files.serverCa().toString())
                    .replace("<server-name>", "localhost");
            Matcher left = PLACEHOLDER.matcher(line);
            if (left.find()) {
                throw new IOException("line " + lineNumber + " still holds the placeholder " + left.group() + ": " + line.strip());
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /**
     * Fills in the template for {@code nodes}, checks the configuration with the balancer's own check ({@code haproxy -c},
     * {@code nginx -t}), starts it in the foreground and waits until it listens.
     */
    static FailoverBalancer start(Kind kind, Path templates, Path dir, List<Node> nodes, List<Path> serverCertificates)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path template = templates.resolve(kind.template);
        if (!Files.isRegularFile(template)) {
            throw new IOException("no template at " + template + ": run from the source tree or pass --lb-dir installers/lb");
        }
        Certificates files = certificates(dir, serverCertificates);
        int port = ServerProcess.freePort();
        Path config = dir.resolve(kind.template);
        Files.writeString(config, render(Files.readString(template, StandardCharsets.UTF_8), port, nodes, files));
        Path log = dir.resolve(kind.label + ".log");
        List<String> check;
        List<String> run;
        if (kind == Kind.HAPROXY) {
            check = List.of("haproxy", "-c", "-f", config.toString());
            run = List.of("haproxy", "-db", "-f", config.toString());
        } else {
            String globals = "daemon off; pid " + dir.resolve("nginx.pid") + ";";
            check = List.of("nginx", "-t", "-q", "-c", config.toString(), "-p", dir.toString(), "-e", log.toString(), "-g", globals);
            run = List.of("nginx", "-c", config.toString(), "-p", dir.toString(), "-e", log.toString(), "-g", globals);
        }
        try {
            FailoverDatabase.run(check, Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new IOException(kind.label + " refuses the filled-in " + config + ": " + e.getMessage(), e);
        }
        Process process = new ProcessBuilder(run).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        FailoverBalancer balancer = new FailoverBalancer(kind, process, port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label + " exited with status " + process.exitValue() + ": see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return balancer;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        balancer.close();
        throw new IOException(kind.label + " did not listen on " + port + " within 30 s: see " + log);
    }

    /** A certificate for the balancer's front (openssl, EC P-256, localhost and 127.0.0.1) and the nodes' certificates as its CA file. */
    static Certificates certificates(Path dir, List<Path> serverCertificates) throws IOException, InterruptedException {
        Path cert = dir.resolve("frontend.crt");
        Path key = dir.resolve("frontend.key");
        FailoverDatabase.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), Duration.ofSeconds(60));
        Path combined = dir.resolve("frontend.pem");
        Files.writeString(combined, Files.readString(cert) + Files.readString(key));
        StringBuilder ca = new StringBuilder();
        for (Path certificate : serverCertificates) {
            ca.append(Files.readString(certificate, StandardCharsets.US_ASCII).strip()).append('\n');
        }
        Path serverCa = dir.resolve("server-ca.pem");
        Files.writeString(serverCa, ca.toString());
        return new Certificates(cert, key, combined, serverCa);
    }

    Kind kind() {
        return kind;
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    String describe() {
        return String.format(Locale.ROOT, "%s (pid %d) on 127.0.0.1:%d", kind.label, process.pid(), port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        List<ProcessHandle> left = new ArrayList<>(process.descendants().toList());
        left.forEach(ProcessHandle::destroyForcibly);
    }
}
