package io.pganalytics.server.http;

import com.zaxxer.hikari.HikariDataSource;
import io.pganalytics.server.crypto.CryptoFeature;
import io.pganalytics.server.crypto.EncryptionConfig;
import io.pganalytics.server.crypto.SealedFiles;
import io.pganalytics.server.db.Migrations;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsMaterialTest {
    private static final HttpConfig.Tls SELF_SIGNED = new HttpConfig.Tls(true, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of("pga.example.com"));
    private static HikariDataSource dataSource;
    private static CryptoFeature crypto;
    private static SealedFiles files;

    /** The self-signed key is sealed: a real key service on a real database. */
    @BeforeAll
    static void startKeys() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(SharedPostgres.newDatabase("tls_material"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(2);
        Migrations.apply(dataSource, "dbmigration", "pga_migration");
        crypto = CryptoFeature.start(EncryptionConfig.from(io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(Map.of()))),
                dataSource, null, "tls-test", TestServers.tempDir(), Map.of(), Clock.systemUTC());
        files = new SealedFiles(dataSource, crypto.keys(), "tls-test", Clock.systemUTC());
    }

    @AfterAll
    static void stopKeys() {
        crypto.close();
        dataSource.close();
    }

    @Test
    void aSelfSignedCertificateIsGeneratedOnceForLoopbackAndConfiguredNames(@TempDir Path dataDir) throws Exception {
        TlsMaterial first = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC(), files);
        X509Certificate leaf = first.leaf();
        String names = String.valueOf(leaf.getSubjectAlternativeNames());
        assertTrue(names.contains("127.0.0.1") && names.contains("localhost") && names.contains("pga.example.com"), names);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dataDir.resolve("tls/server.key.sealed")), "the sealed private key is owner-only");
        TlsMaterial second = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC(), files);
        assertEquals(first.fingerprint(), second.fingerprint(), "a restart keeps the certificate that clients pinned");
    }

    @Test
    void aCertificateNearExpiryIsRenewed(@TempDir Path dataDir) {
        TlsMaterial first = TlsMaterial.load(SELF_SIGNED, dataDir, Clock.systemUTC(), files);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(800)), ZoneOffset.UTC);
        TlsMaterial renewed = TlsMaterial.load(SELF_SIGNED, dataDir, later, files);
        assertNotEquals(first.fingerprint(), renewed.fingerprint());
    }

    @Test
    void aConfiguredPemPairReplacesTheSelfSignedOne(@TempDir Path dir) throws Exception {
        TlsMaterial generated = TlsMaterial.load(SELF_SIGNED, dir.resolve("elsewhere"), Clock.systemUTC(), files);
        // the operator's PEM pair: read as it is (the operator's file, not sealed by the server)
        StringWriter key = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
            writer.writeObject(new JcaPKCS8Generator(generated.privateKey(), null).generate());
        }
        Files.writeString(dir.resolve("operator.key"), key.toString());
        HttpConfig.Tls pem = new HttpConfig.Tls(true, Optional.of(dir.resolve("elsewhere/tls/server.crt")),
                Optional.of(dir.resolve("operator.key")), Optional.empty(), Optional.empty(), List.of());
        TlsMaterial loaded = TlsMaterial.load(pem, dir.resolve("data"), Clock.systemUTC(), files);
        assertEquals(generated.fingerprint(), loaded.fingerprint());
        assertTrue(Files.notExists(dir.resolve("data/tls")), "nothing is generated when a certificate is configured");
    }

    @Test
    void aPkcs12FileIsRead(@TempDir Path dir) throws Exception {
        TlsMaterial generated = TlsMaterial.load(SELF_SIGNED, dir, Clock.systemUTC(), files);
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
        assertEquals(generated.fingerprint(), TlsMaterial.load(config, dir.resolve("data"), Clock.systemUTC(), files).fingerprint());
    }
}
