package io.pganalytics.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsMaterialTest {
    private static final HttpConfig.Tls SELF_SIGNED = new HttpConfig.Tls(true, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of("pga.example.com"));

    @Test
    void aSelfSignedCertificateIsGeneratedOnceForLoopbackAndConfiguredNames(@TempDir Path dataDir) throws Exception {
        TlsMaterial first = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC());
        X509Certificate leaf = first.leaf();
        String names = String.valueOf(leaf.getSubjectAlternativeNames());
        assertTrue(names.contains("127.0.0.1") && names.contains("localhost") && names.contains("pga.example.com"), names);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dataDir.resolve("tls/server.key")), "the private key is owner-only");
        TlsMaterial second = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC());
        assertEquals(first.fingerprint(), second.fingerprint(), "a restart keeps the certificate that clients pinned");
    }

    @Test
    void aCertificateNearExpiryIsRenewed(@TempDir Path dataDir) {
        TlsMaterial first = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC());
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(800)), ZoneOffset.UTC);
        TlsMaterial renewed = TlsMaterial.load(SELF_SIGNED, dataDir, later);
        assertNotEquals(first.fingerprint(), renewed.fingerprint());
    }

    @Test
    void aConfiguredPemPairReplacesTheSelfSignedOne(@TempDir Path dir) throws Exception {
        TlsMaterial generated = TlsMaterial.load(SELF_SIGNED, dir.resolve("elsewhere"), Clock.systemUTC());
        HttpConfig.Tls pem = new HttpConfig.Tls(true, Optional.of(dir.resolve("elsewhere/tls/server.crt")),
                Optional.of(dir.resolve("elsewhere/tls/server.key")), Optional.empty(), Optional.empty(), List.of());
        TlsMaterial loaded = TlsMaterial.load(pem, dir.resolve("data"), Clock.systemUTC());
        assertEquals(generated.fingerprint(), loaded.fingerprint());
        assertTrue(Files.notExists(dir.resolve("data/tls")), "nothing is generated when a certificate is configured");
    }

    @Test
    void aPkcs12FileIsRead(@TempDir Path dir) throws Exception {
        TlsMaterial generated = TlsMaterial.load(SELF_SIGNED, dir, Clock.systemUTC());
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", generated.privateKey(), "changeit".toCharArray(),
                generated.chain().toArray(new java.security.cert.Certificate[0]));
        Path p12 = dir.resolve("server.p12");
        try (var out = Files.newOutputStream(p12)) {
            store.store(out, "changeit".toCharArray());
        }
        HttpConfig.Tls config = new HttpConfig.Tls(true, Optional.empty(), Optional.empty(), Optional.of(p12),
                Optional.of("changeit"), List.of());
        assertEquals(generated.fingerprint(), TlsMaterial.load(config, dir.resolve("data"), Clock.systemUTC()).fingerprint());
    }
}
