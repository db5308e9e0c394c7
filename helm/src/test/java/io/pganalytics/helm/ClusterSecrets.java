package io.pganalytics.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The part of a Kubernetes API server that the chart's {@code lookup} calls reach: discovery of {@code v1} and
 * {@code GET} of a Secret (404 unless a test put one). helm-java's template command renders with a Kubernetes client
 * (a real {@code helm template} answers every lookup with nothing), so the build points {@code KUBECONFIG} at this
 * server on a free loopback port: lookups then answer as on a cluster without the release (first install) or, when a
 * test put the Secret, as on an upgrade.
 */
final class ClusterSecrets {
    private static final Map<String, Map<String, String>> SECRETS = new ConcurrentHashMap<>();
    private static volatile HttpServer server;

    private ClusterSecrets() {
    }

    /** Starts the server once and writes the kubeconfig that {@code KUBECONFIG} (set by the build) names. */
    static synchronized void start() {
        if (server != null) {
            return;
        }
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null) {
            throw new IllegalStateException("KUBECONFIG is not set: the helm module's surefire configuration sets it");
        }
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            http.createContext("/", ClusterSecrets::answer);
            http.start();
            server = http;
            Path file = Path.of(kubeconfig);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: lookups
                        cluster: {server: "http://127.0.0.1:%d"}
                    contexts:
                      - name: lookups
                        context: {cluster: lookups, namespace: %s}
                    current-context: lookups
                    users: []
                    """.formatted(http.getAddress().getPort(), Chart.NAMESPACE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Secret the "cluster" holds from now on (values in the clear). */
    static void put(String name, Map<String, String> data) {
        SECRETS.put(name, Map.copyOf(data));
    }

    static void clear() {
        SECRETS.clear();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String prefix = "/api/v1/namespaces/" + Chart.NAMESPACE + "/secrets/";
        if (path.equals("/api/v1")) {
            send(exchange, 200, """
                    {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
                    {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""");
        } else if (path.equals("/api")) {
            send(exchange, 200, """
                    {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}""");
        } else if (path.equals("/apis")) {
            send(exchange, 200, """
                    {"kind":"APIGroupList","apiVersion":"v1","groups":[]}""");
        } else if (path.startsWith(prefix) && SECRETS.containsKey(path.substring(prefix.length()))) {
            String name = path.substring(prefix.length());
            String data = SECRETS.get(name).entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":\"" + Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)) + "\"")
                    .collect(Collectors.joining(","));
            send(exchange, 200, """
                    {"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"data":{%s}}"""
                    .formatted(name, Chart.NAMESPACE, data));
        } else {
            send(exchange, 404, """
                    {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"not found"}""");
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
