package io.pganalytics.server.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real rsyslog for tests: Debian's {@code rsyslogd} (packages rsyslog and rsyslog-gnutls; .ci/run installs them)
 * started in the foreground from a temporary directory with its own configuration: {@code imtcp} with the GnuTLS
 * stream driver (RFC 5425, TLS only) on a free loopback port, with a server certificate signed by a CA made here, and
 * every message received written verbatim ({@code %rawmsg%}, one a line) by {@code omfile} to {@link #received()}.
 * The packaged service and the system's {@code /dev/log} are not touched.
 */
public final class Rsyslog implements AutoCloseable {
    private static final String RSYSLOGD = "/usr/sbin/rsyslogd";
    private static final String GTLS = "/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final int port;

    private Rsyslog(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(RSYSLOGD)) && Files.exists(Path.of(GTLS));
    }

    public static Rsyslog start() {
        if (!installed()) {
            throw new IllegalStateException("rsyslog with GnuTLS is not installed: apt-get install -y rsyslog rsyslog-gnutls");
        }
        Path dir = TestServers.tempDir();
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(dir.resolve("work"));
            writeTls(dir);
            int port = TestServers.freePort();
            Files.writeString(dir.resolve("rsyslog.conf"), config(dir, port));
            Process process = new ProcessBuilder(RSYSLOGD, "-n", "-f", dir.resolve("rsyslog.conf").toString(),
                    "-i", dir.resolve("rsyslogd.pid").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.log").toFile()).start();
            Rsyslog rsyslog = new Rsyslog(dir, process, port);
            try {
                rsyslog.awaitListening();
            } catch (RuntimeException | Error e) {
                rsyslog.close();
                throw e;
            }
            return rsyslog;
        } catch (IOException e) {
            throw new UncheckedIOException("rsyslog: could not be set up in " + dir, e);
        }
    }

    public int port() {
        return port;
    }

    /** The PEM file of the CA that signed rsyslog's certificate (for {@code localhost} and 127.0.0.1). */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** Every message received so far, as sent (RFC 5424, without the octet count), one per element. */
    public List<String> received() {
        Path file = dir.resolve("received.log");
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("rsyslogd.log"), StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no rsyslogd log: " + e + ")";
        }
    }

    /** Stops rsyslogd and removes its directory; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (!Files.exists(dir)) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static String config(Path dir, int port) {
        return """
                global(
                  workDirectory="%1$s/work"
                  maxMessageSize="64k"
                  defaultNetstreamDriver="gtls"
                  defaultNetstreamDriverCAFile="%1$s/ca.pem"
                  defaultNetstreamDriverCertFile="%1$s/server.pem"
                  defaultNetstreamDriverKeyFile="%1$s/server.key"
                )
                module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
                template(name="verbatim" type="string" string="%%rawmsg%%\\n")
                ruleset(name="audit") {
                  action(type="omfile" file="%1$s/received.log" template="verbatim" flushOnTXEnd="on" asyncWriting="off")
                }
                input(type="imtcp" address="127.0.0.1" port="%2$d" ruleset="audit")
                """.formatted(dir, port);
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("rsyslogd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rsyslogd did not listen within " + START_TIMEOUT + ":\n" + logTail());
                }
            }
            try {
                Thread.sleep(50); // polling, bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while rsyslogd started", e);
            }
        }
    }

    /** A CA and a server certificate it signs for localhost and 127.0.0.1 (RSA, traditional PEM: GnuTLS reads it). */
    private static void writeTls(Path dir) throws IOException {
        try {
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair caKeys = ec.generateKeyPair();
            X500Name caName = new X500Name("CN=Rsyslog Test CA,O=pgAnalytics tests");
            X509Certificate ca = certificate(caName, caKeys, caName, caKeys, true);
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair serverKeys = rsa.generateKeyPair();
            X509Certificate server = certificate(new X500Name("CN=localhost,O=pgAnalytics tests"), serverKeys, caName, caKeys, false);
            Files.writeString(dir.resolve("ca.pem"), pem(ca));
            Files.writeString(dir.resolve("server.pem"), pem(server));
            Path key = dir.resolve("server.key");
            Files.writeString(key, pem(serverKeys.getPrivate()));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("rsyslog: could not make the test certificates", e);
        }
    }

    private static X509Certificate certificate(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                               boolean ca) throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
