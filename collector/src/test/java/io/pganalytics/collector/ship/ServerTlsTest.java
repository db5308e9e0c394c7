package io.pganalytics.collector.ship;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real HTTPS server with a self-signed certificate, as the pgAnalytics server has by default. */
class ServerTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;
    private HttpsServer server;
    private Path certificatePem;

    @BeforeEach
    void startSelfSignedServer() throws Exception {
        Path keystore = dir.resolve("server.p12");
        certificatePem = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", certificatePem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void keytool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
    }

    private int get(ServerTls tls, String host) throws Exception {
        HttpClient client = tls.newClient(Duration.ofSeconds(5));
        URI uri = URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theServersSelfSignedCertificateIsTrustedThroughTheCaFile() throws Exception {
        assertEquals(204, get(new ServerTls(certificatePem, false), "127.0.0.1"));
    }

    @Test
    void withoutTheCaFileTheSelfSignedCertificateIsRefused() {
        assertThrows(SSLHandshakeException.class, () -> get(ServerTls.DEFAULT, "127.0.0.1"));
    }

    @Test
    void insecureSkipVerifyAcceptsTheCertificateEvenForAnotherHostName() throws Exception {
        assertEquals(204, get(new ServerTls(null, true), "127.0.0.1"));
        assertEquals(204, get(new ServerTls(null, true), "localhost"));
    }

    @Test
    void aCaFileWithoutCertificatesIsReportedByName() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new ServerTls(empty, false).newClient(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }
}
