package io.pganalytics.server.alerting.notify;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP front on 127.0.0.1 that offers STARTTLS, upgrades the connection with a certificate of its own (for
 * 127.0.0.1), then relays the TLS-protected session to a plain SMTP server (GreenMail, which has no STARTTLS).
 */
final class StartTlsFront implements AutoCloseable {
    private final ServerSocket listener;
    private final SSLContext tls;
    private final String certificatePem;
    private final int backendPort;
    final AtomicInteger upgraded = new AtomicInteger();

    StartTlsFront(int backendPort) throws Exception {
        this.backendPort = backendPort;
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        X500Name name = new X500Name("CN=127.0.0.1,O=pgAnalytics tests");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(certificate);
        }
        this.certificatePem = pem.toString();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("smtp", keys.getPrivate(), "x".toCharArray(), new X509Certificate[]{certificate});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(store, "x".toCharArray());
        this.tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("starttls-front").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    String certificatePem() {
        return certificatePem;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofPlatform().daemon().name("starttls-session").start(() -> session(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket client) {
        try (client) {
            client.setSoTimeout(20_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            write(out, "220 127.0.0.1 ESMTP front\r\n");
            String line;
            while ((line = readLine(in)) != null) {
                String command = line.toUpperCase();
                if (command.startsWith("EHLO")) {
                    write(out, "250-127.0.0.1\r\n250 STARTTLS\r\n");
                } else if (command.startsWith("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS\r\n");
                    break;
                } else if (command.startsWith("QUIT")) {
                    write(out, "221 bye\r\n");
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first\r\n");
                }
            }
            if (line == null) {
                return;
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(client, "127.0.0.1", client.getPort(), false);
            secure.setUseClientMode(false);
            secure.startHandshake();
            upgraded.incrementAndGet();
            try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
                InputStream fromBackend = backend.getInputStream();
                readLine(fromBackend); // the backend's greeting: the client had the front's
                Thread pump = Thread.ofPlatform().daemon().start(() -> copy(fromBackend, secureOut(secure)));
                copy(secure.getInputStream(), backend.getOutputStream());
                pump.join(5_000);
            }
        } catch (IOException | InterruptedException e) {
            // the session ends with the client or the backend
        }
    }

    private static OutputStream secureOut(SSLSocket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).strip();
            }
            line.write(b);
        }
        return null;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
