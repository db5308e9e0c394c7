package io.pganalytics.server.http;

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
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import io.pganalytics.server.crypto.SealedFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The API listener's key and certificate chain: from a configured PEM pair or PKCS#12 file, or else a self-signed
 * certificate generated on first run into {@code <data-dir>/tls/} (renewed when it nears expiry). The certificate's
 * SHA-256 fingerprint is logged so that a console user can check what it is asked to trust.
 * <p>
 * The self-signed certificate's private key is kept sealed with the key service ({@code tls/server.key.sealed}, bound
 * to its purpose {@code tls-key} and name {@code server.key}), its data key recorded in {@code crypto_sealed_file}, and
 * re-sealed by this node when another data key becomes current. A clear {@code tls/server.key} of an earlier version is
 * sealed at start and removed. Files the operator configures (PEM pair, PKCS#12) are the operator's and read as they are.
 */
public record TlsMaterial(PrivateKey privateKey, List<X509Certificate> chain) {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    private static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final String KEY_PURPOSE = "tls-key";
    static final String CLEAR_KEY_FILE = "server.key";
    static final String SEALED_KEY_FILE = "server.key.sealed";

    /**
     * @param files seals the self-signed certificate's private key (not used for an operator's files)
     */
    public static TlsMaterial load(HttpConfig.Tls config, Path dataDir, Clock clock, SealedFiles files) {
        try {
            TlsMaterial material;
            if (config.certificateFile().isPresent()) {
                material = fromPem(config.certificateFile().get(), config.keyFile().orElseThrow());
                LOG.info("TLS: certificate from {}", config.certificateFile().get());
                forgetSelfSigned(dataDir.resolve("tls"), files);
            } else if (config.pkcs12File().isPresent()) {
                material = fromPkcs12(config.pkcs12File().get(), config.pkcs12Password().orElse(""));
                LOG.info("TLS: certificate from {}", config.pkcs12File().get());
                forgetSelfSigned(dataDir.resolve("tls"), files);
            } else {
                material = selfSigned(dataDir.resolve("tls"), config.selfSignedNames(), clock, files);
            }
            LOG.info("TLS: certificate subject '{}', SHA-256 fingerprint {}", material.leaf().getSubjectX500Principal().getName(),
                    material.fingerprint());
            return material;
        } catch (IOException e) {
            throw new UncheckedIOException("loading the TLS certificate", e);
        } catch (GeneralSecurityException | OperatorCreationException | io.pganalytics.common.crypto.CryptoException e) {
            throw new IllegalStateException("loading the TLS certificate: " + e.getMessage(), e);
        }
    }

    /** A server TLS context holding this key and chain (TLS 1.2 and 1.3, the JDK's default suites). */
    public javax.net.ssl.SSLContext sslContext() {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", privateKey, password, chain.toArray(new java.security.cert.Certificate[0]));
            javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("TLS: cannot build a server context from the key and certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** The leaf certificate's SHA-256 fingerprint, colon-separated upper-case hex, as browsers show it. */
    public String fingerprint() {
        return fingerprint(leaf());
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static TlsMaterial selfSigned(Path dir, List<String> extraNames, Clock clock, SealedFiles files)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        io.pganalytics.server.files.OwnerOnly.directory(dir);  // also tightens a directory an older version made with the umask
        Path certFile = dir.resolve("server.crt");
        Path clearKeyFile = dir.resolve(CLEAR_KEY_FILE);
        Path keyFile = dir.resolve(SEALED_KEY_FILE);
        if (Files.exists(clearKeyFile)) {
            sealClearKey(clearKeyFile, keyFile, files);
        }
        if (Files.exists(certFile) && Files.exists(keyFile)) {
            TlsMaterial existing = new TlsMaterial(openKey(keyFile, files), certificates(certFile));
            Instant notAfter = existing.leaf().getNotAfter().toInstant();
            if (notAfter.isAfter(clock.instant().plus(RENEW_BEFORE)) && coversNames(existing.leaf(), extraNames)) {
                if (files.keyId(KEY_PURPOSE, CLEAR_KEY_FILE, Files.readAllBytes(keyFile)) != files.currentKeyId()) {
                    // a rotation happened while this node was down: move the file to the current key now, so that the
                    // old one can be retired without waiting for the next rotation
                    writeSealedKey(keyFile, existing.privateKey(), files);
                    LOG.info("TLS: the private key file {} was re-sealed under the current data key {}", keyFile, files.currentKeyId());
                } else {
                    files.recorded(KEY_PURPOSE, files.keyId(KEY_PURPOSE, CLEAR_KEY_FILE, Files.readAllBytes(keyFile)));
                }
                resealOnKeyChange(keyFile, existing.privateKey(), files);
                return existing;
            }
            LOG.info("TLS: the self-signed certificate in {} expires {} or misses a configured name: generating a new one", dir, notAfter);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
            names.add(InetAddress.getLocalHost().getCanonicalHostName());
        } catch (IOException e) {
            LOG.debug("TLS: the host name could not be resolved; the certificate names localhost only: {}", e.getMessage());
        }
        names.addAll(extraNames);
        Instant now = clock.instant();
        X500Name subject = new X500Name("CN=pgAnalytics server (self-signed),O=pgAnalytics");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, generalNames(names));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        writeSealedKey(keyFile, pair.getPrivate(), files);
        writeOwnerOnly(certFile, pem(certificate));
        resealOnKeyChange(keyFile, pair.getPrivate(), files);
        LOG.info("TLS: generated a self-signed certificate for {} in {} (its private key sealed)", names, dir);
        return new TlsMaterial(pair.getPrivate(), List.of(certificate));
    }

    /**
     * The operator's certificate replaces a self-signed one this node generated before: its sealed key and certificate
     * are removed and its record dropped, so that no data key stays held by a file nothing uses.
     */
    private static void forgetSelfSigned(Path dir, SealedFiles files) throws IOException {
        boolean removed = Files.deleteIfExists(dir.resolve(SEALED_KEY_FILE));
        removed |= Files.deleteIfExists(dir.resolve("server.crt"));
        files.forget(KEY_PURPOSE);
        if (removed) {
            LOG.info("TLS: the self-signed certificate and sealed key in {} are replaced by the configured certificate and removed", dir);
        }
    }

    /** Upgrading: seals the clear key file an earlier version wrote, then removes it. */
    private static void sealClearKey(Path clearKeyFile, Path keyFile, SealedFiles files) throws IOException, GeneralSecurityException {
        if (Files.notExists(keyFile)) {
            writeSealedKey(keyFile, readPemKey(clearKeyFile), files);
        }
        // Overwritten before removal where the file system writes in place; a copy-on-write one or a backup may keep it.
        long size = Files.size(clearKeyFile);
        Files.write(clearKeyFile, new byte[(int) Math.min(size, 1 << 20)]);
        Files.delete(clearKeyFile);
        LOG.info("TLS: the clear private key file {} of an earlier version was sealed into {} and removed", clearKeyFile, keyFile.getFileName());
    }

    private static void writeSealedKey(Path keyFile, PrivateKey key, SealedFiles files) throws IOException {
        byte[] pkcs8 = key.getEncoded();
        try {
            byte[] sealed = files.seal(KEY_PURPOSE, CLEAR_KEY_FILE, pkcs8);
            writeOwnerOnly(keyFile, sealed);
            files.recorded(KEY_PURPOSE, files.keyId(KEY_PURPOSE, CLEAR_KEY_FILE, sealed));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static PrivateKey openKey(Path keyFile, SealedFiles files) throws IOException, GeneralSecurityException {
        byte[] pkcs8 = files.open(KEY_PURPOSE, CLEAR_KEY_FILE, Files.readAllBytes(keyFile));
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** When another data key becomes current, this node re-seals its key file under it (and records so). */
    private static void resealOnKeyChange(Path keyFile, PrivateKey key, SealedFiles files) {
        files.onKeyChange(() -> {
            try {
                if (files.keyId(KEY_PURPOSE, CLEAR_KEY_FILE, Files.readAllBytes(keyFile)) != files.currentKeyId()) {
                    writeSealedKey(keyFile, key, files);
                    LOG.info("TLS: the private key file {} was re-sealed under data key {}", keyFile, files.currentKeyId());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("TLS: re-sealing " + keyFile, e);
            }
        });
    }

    private static GeneralNames generalNames(Set<String> names) {
        List<GeneralName> result = new ArrayList<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                continue;
            }
            boolean ip = name.matches("[0-9.]+") || name.contains(":");
            result.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(result.toArray(GeneralName[]::new));
    }

    private static boolean coversNames(X509Certificate certificate, List<String> names) throws GeneralSecurityException {
        if (names.isEmpty()) {
            return true;
        }
        Set<String> present = new LinkedHashSet<>();
        var alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> entry : alternatives) {
                present.add(String.valueOf(entry.get(1)));
            }
        }
        return present.containsAll(names);
    }

    static TlsMaterial fromPem(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        return new TlsMaterial(readPemKey(keyFile), certificates(certificateFile));
    }

    private static List<X509Certificate> certificates(Path certificateFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        try (InputStream in = Files.newInputStream(certificateFile)) {
            for (Certificate c : factory.generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certificateFile + " holds no certificate");
        }
        return List.copyOf(chain);
    }

    private static PrivateKey readPemKey(Path keyFile) throws IOException, GeneralSecurityException {
        PrivateKey key;
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PEMKeyPair keyPair) {
                key = converter.getPrivateKey(keyPair.getPrivateKeyInfo());
            } else if (parsed instanceof PrivateKeyInfo info) {
                key = converter.getPrivateKey(info);
            } else {
                throw new GeneralSecurityException(keyFile + " holds no unencrypted PEM private key");
            }
        }
        return key;
    }

    static TlsMaterial fromPkcs12(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        for (String alias : java.util.Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                PrivateKey key = (PrivateKey) store.getKey(alias, password.toCharArray());
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : store.getCertificateChain(alias)) {
                    chain.add((X509Certificate) c);
                }
                return new TlsMaterial(key, List.copyOf(chain));
            }
        }
        throw new GeneralSecurityException(file + " holds no private key entry");
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        writeOwnerOnly(file, content.getBytes(StandardCharsets.US_ASCII));
    }

    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            restrict(temp);
            Files.write(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the data directory's own ACL applies.
            LOG.debug("TLS: {} cannot be restricted to its owner on this file system", file);
        }
    }
}
