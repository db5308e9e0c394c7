package io.pganalytics.server.testing;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;
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
import java.io.InputStream;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OpenLDAP directory for tests: Debian's {@code slapd} (package slapd; ldap-utils for hand checks) started
 * from a temporary directory with a generated {@code slapd.conf}, an mdb database loaded with {@code slapadd} from
 * {@code slapd-base.ldif} (people, a service account, a password policy), the memberOf and ppolicy overlays, plain
 * LDAP (for StartTLS) and LDAPS on two free high ports with a CA and server certificate generated here. The groups
 * ({@code slapd-groups.ldif}) are added over LDAP once it runs, so that the memberOf overlay fills the users' memberOf.
 * slapd runs in the foreground ({@code -d stats}) as the current user (root in CI is fine: without {@code -u} it keeps
 * its user); its log, which records every BIND, lets a test prove that a refused sign-in never reached it.
 */
public final class Slapd implements AutoCloseable {
    public static final String SUFFIX = "dc=example,dc=org";
    public static final String ROOT_DN = "cn=admin," + SUFFIX;
    public static final String ROOT_PASSWORD = "slapd-root-Password-77";
    public static final String SERVICE_DN = "cn=pganalytics,ou=services," + SUFFIX;
    public static final String SERVICE_PASSWORD = "service-Bind-Password-31";
    public static final String PEOPLE = "ou=people," + SUFFIX;
    public static final String GROUPS = "ou=groups," + SUFFIX;
    /** Each user's password in slapd-base.ldif is this prefix and the user's uid: {@code Pw-alice-2026}. */
    public static final String PASSWORD_FORMAT = "Pw-%s-2026";
    private static final String SLAPD = "/usr/sbin/slapd";
    private static final String SLAPADD = "/usr/sbin/slapadd";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** A loopback address (Linux routes all of 127/8 to lo) that the server certificate does not name. */
    private static final String MISNAMED = "127.0.0.2";

    private final Path dir;
    private final Process process;
    private final int ldapPort;
    private final int ldapsPort;
    private final int misnamedLdapPort;
    private final int misnamedLdapsPort;

    private Slapd(Path dir, Process process, int ldapPort, int ldapsPort, int misnamedLdapPort, int misnamedLdapsPort) {
        this.dir = dir;
        this.process = process;
        this.ldapPort = ldapPort;
        this.ldapsPort = ldapsPort;
        this.misnamedLdapPort = misnamedLdapPort;
        this.misnamedLdapsPort = misnamedLdapsPort;
    }

    public static String password(String uid) {
        return String.format(PASSWORD_FORMAT, uid);
    }

    public static String userDn(String uid) {
        return "uid=" + uid + "," + PEOPLE;
    }

    public static String groupDn(String cn) {
        return "cn=" + cn + "," + GROUPS;
    }

    /** Whether Debian's slapd is installed (.ci/run installs it; a developer may need {@code apt-get install slapd ldap-utils}). */
    public static boolean installed() {
        return Files.isExecutable(Path.of(SLAPD)) && Files.isExecutable(Path.of(SLAPADD));
    }

    public static Slapd start() {
        if (!installed()) {
            throw new IllegalStateException("slapd is not installed: apt-get install -y slapd ldap-utils");
        }
        Path dir = TestServers.tempDir();
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(dir.resolve("data"));
            writeTls(dir);
            int ldapPort = TestServers.freePort();
            int ldapsPort = TestServers.freePort();
            int misnamedLdapPort = TestServers.freePort();
            int misnamedLdapsPort = TestServers.freePort();
            Files.writeString(dir.resolve("slapd.conf"), config(dir));
            Files.writeString(dir.resolve("base.ldif"), resource("slapd-base.ldif"));
            run(List.of(SLAPADD, "-f", dir.resolve("slapd.conf").toString(), "-l", dir.resolve("base.ldif").toString()), dir);
            Process process = new ProcessBuilder(SLAPD, "-f", dir.resolve("slapd.conf").toString(),
                    "-h", "ldap://127.0.0.1:" + ldapPort + "/ ldaps://127.0.0.1:" + ldapsPort + "/ ldap://" + MISNAMED + ":"
                            + misnamedLdapPort + "/ ldaps://" + MISNAMED + ":" + misnamedLdapsPort + "/", "-d", "stats")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
            Slapd slapd = new Slapd(dir, process, ldapPort, ldapsPort, misnamedLdapPort, misnamedLdapsPort);
            try {
                slapd.awaitListening();
                slapd.addGroups();
            } catch (RuntimeException | Error e) {
                slapd.close();
                throw e;
            }
            return slapd;
        } catch (IOException e) {
            throw new UncheckedIOException("slapd: could not be set up in " + dir, e);
        }
    }

    public int ldapPort() {
        return ldapPort;
    }

    public int ldapsPort() {
        return ldapsPort;
    }

    public String ldapsUrl() {
        return "ldaps://127.0.0.1:" + ldapsPort;
    }

    public String ldapUrl() {
        return "ldap://127.0.0.1:" + ldapPort;
    }

    /** LDAPS on an address that slapd's certificate does not name (another loopback address): a host-name mismatch. */
    public String misnamedLdapsUrl() {
        return "ldaps://" + MISNAMED + ":" + misnamedLdapsPort;
    }

    /** Plain LDAP (for StartTLS) on the address the certificate does not name. */
    public String misnamedLdapUrl() {
        return "ldap://" + MISNAMED + ":" + misnamedLdapPort;
    }

    /** The PEM file of the CA that signed slapd's certificate. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** The PEM file of a CA that signed nothing slapd shows: a wrong trust store. */
    public Path otherCaFile() {
        return dir.resolve("other-ca.pem");
    }

    /** A connection bound as the directory's root (plain LDAP on loopback): the test's hands on the directory. */
    public LDAPConnection root() {
        try {
            LDAPConnection connection = new LDAPConnection("127.0.0.1", ldapPort);
            connection.bind(ROOT_DN, ROOT_PASSWORD);
            return connection;
        } catch (LDAPException e) {
            throw new IllegalStateException("slapd: root bind failed: " + e.getMessage() + "\n" + logTail(), e);
        }
    }

    /** How many BINDs as this DN slapd has logged so far. */
    public long bindsAs(String dn) {
        Pattern bind = Pattern.compile(" BIND dn=\"" + Pattern.quote(dn) + "\"", Pattern.CASE_INSENSITIVE);
        try (Stream<String> lines = Files.lines(dir.resolve("slapd.log"), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> bind.matcher(l).find()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every BIND slapd has logged so far, whoever it was for. */
    public long binds() {
        try (Stream<String> lines = Files.lines(dir.resolve("slapd.log"), StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(" BIND dn=")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("slapd.log"), StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no slapd log: " + e + ")";
        }
    }

    /** Stops slapd and removes its directory; a second call does nothing. */
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

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited with " + process.exitValue() + ":\n" + logTail());
            }
            try (Socket a = new Socket(); Socket b = new Socket()) {
                a.connect(new InetSocketAddress("127.0.0.1", ldapPort), 500);
                b.connect(new InetSocketAddress("127.0.0.1", ldapsPort), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("slapd did not listen within " + START_TIMEOUT + ":\n" + logTail());
                }
            }
            try {
                Thread.sleep(50); // polling, bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while slapd started", e);
            }
        }
    }

    private void addGroups() {
        try (LDAPConnection root = root();
             LDIFReader reader = new LDIFReader(new java.io.BufferedReader(new java.io.StringReader(resource("slapd-groups.ldif"))))) {
            Entry entry;
            while ((entry = reader.readEntry()) != null) {
                root.add(entry);
            }
        } catch (IOException | LDIFException | LDAPException e) {
            throw new IllegalStateException("slapd: could not add the groups: " + e.getMessage() + "\n" + logTail(), e);
        }
    }

    private static String config(Path dir) {
        return """
                include /etc/ldap/schema/core.schema
                include /etc/ldap/schema/cosine.schema
                include /etc/ldap/schema/inetorgperson.schema
                include /etc/ldap/schema/nis.schema
                modulepath /usr/lib/ldap
                moduleload back_mdb
                moduleload memberof
                moduleload ppolicy
                pidfile %1$s/slapd.pid
                argsfile %1$s/slapd.args
                loglevel stats
                TLSCACertificateFile %1$s/ca.pem
                TLSCertificateFile %1$s/server.pem
                TLSCertificateKeyFile %1$s/server.key
                database mdb
                maxsize 67108864
                suffix "%2$s"
                rootdn "%3$s"
                rootpw %4$s
                directory %1$s/data
                index objectClass eq
                index uid,member,memberOf eq
                overlay memberof
                memberof-group-oc groupOfNames
                memberof-member-ad member
                memberof-memberof-ad memberOf
                memberof-refint TRUE
                overlay ppolicy
                ppolicy_default "cn=default,ou=policies,%2$s"
                access to attrs=userPassword
                  by self write
                  by anonymous auth
                  by * none
                access to *
                  by dn.exact="%5$s" read
                  by self read
                  by * none
                """.formatted(dir, SUFFIX, ROOT_DN, ROOT_PASSWORD, SERVICE_DN);
    }

    /** A CA, a server certificate it signs for 127.0.0.1 and localhost, and an unrelated CA. */
    private static void writeTls(Path dir) throws IOException {
        try {
            KeyPair caKeys = ecKeys();
            X500Name caName = new X500Name("CN=Slapd Test CA,O=pgAnalytics tests");
            X509Certificate ca = certificate(caName, caKeys, caName, caKeys, true);
            // RSA and the traditional PEM form: slapd's GnuTLS does not read every PKCS#8 EC key.
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair serverKeys = rsa.generateKeyPair();
            X509Certificate server = certificate(new X500Name("CN=127.0.0.1,O=pgAnalytics tests"), serverKeys, caName, caKeys, false);
            KeyPair otherKeys = ecKeys();
            X500Name otherName = new X500Name("CN=Some Other CA,O=pgAnalytics tests");
            X509Certificate other = certificate(otherName, otherKeys, otherName, otherKeys, true);
            Files.writeString(dir.resolve("ca.pem"), pem(ca));
            Files.writeString(dir.resolve("other-ca.pem"), pem(other));
            Files.writeString(dir.resolve("server.pem"), pem(server));
            Path key = dir.resolve("server.key");
            Files.writeString(key, pem(serverKeys.getPrivate()));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("slapd: could not make the test certificates", e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
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
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
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

    private static String resource(String name) throws IOException {
        try (InputStream in = Slapd.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void run(List<String> command, Path dir) throws IOException {
        Path log = dir.resolve("setup.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.getFirst() + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
        }
    }
}
