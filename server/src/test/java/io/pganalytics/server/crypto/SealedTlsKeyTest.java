package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.Envelope;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-signed TLS private key in {@code <data-dir>/tls/}: written sealed, recorded in {@code crypto_sealed_file},
 * re-sealed by its node when the current data key changes, and a clear key of an earlier version sealed at start.
 */
class SealedTlsKeyTest {
    private static final String SEALED_KEY = "server.key.sealed";
    private static final String CLEAR_KEY = "server.key";

    @Test
    void theSelfSignedKeyIsWrittenSealedRecordedAndResealedWhenTheDataKeyChanges() throws Exception {
        String url = SharedPostgres.newDatabase("tls_sealed");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-1");
        String fingerprint;
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            byte[] pkcs8 = server.tls().orElseThrow().privateKey().getEncoded();
            Path tls = dataDir.resolve("tls");
            assertFalse(Files.exists(tls.resolve(CLEAR_KEY)), "no clear key file");
            byte[] sealed = Files.readAllBytes(tls.resolve(SEALED_KEY));
            assertTrue(Envelope.isSealed(sealed));
            assertNotInFiles(dataDir, pkcs8);
            assertNotInFiles(dataDir, Base64.getEncoder().encodeToString(pkcs8).substring(0, 40).getBytes(StandardCharsets.US_ASCII));
            KeyService keys = server.crypto().keys();
            assertEquals(keys.currentKeyId(), Envelope.keyId(sealed, SealContext.file("tls-key", CLEAR_KEY)));
            assertEquals(Integer.toString(keys.currentKeyId()), recordedKey(url, "tls-node-1"));

            // another data key becomes current (what a rotation does): the node re-seals its file under it
            int before = keys.currentKeyId();
            keys.repository().createCurrent(keys.newKey(keys.latestKekVersion()), "test", Instant.now(), false);
            keys.reloadCurrent();
            int after = keys.currentKeyId();
            assertTrue(after != before);
            assertEquals(after, Envelope.keyId(Files.readAllBytes(tls.resolve(SEALED_KEY)), SealContext.file("tls-key", CLEAR_KEY)));
            assertEquals(Integer.toString(after), recordedKey(url, "tls-node-1"));
            fingerprint = server.tls().orElseThrow().fingerprint();
        }
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            assertEquals(fingerprint, server.tls().orElseThrow().fingerprint(), "the sealed key opens after a restart");
        }
    }

    @Test
    void aClearKeyOfAnEarlierVersionIsSealedAtStartAndTheClearFileRemoved() throws Exception {
        String url = SharedPostgres.newDatabase("tls_upgrade");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-2");
        String fingerprint;
        byte[] pkcs8;
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            fingerprint = server.tls().orElseThrow().fingerprint();
            pkcs8 = server.tls().orElseThrow().privateKey().getEncoded();
            // the key as an earlier version kept it: a clear PKCS#8 PEM beside the certificate
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(new JcaPKCS8Generator(server.tls().orElseThrow().privateKey(), null).generate());
            }
            Files.writeString(dataDir.resolve("tls").resolve(CLEAR_KEY), pem.toString());
            Files.deleteIfExists(dataDir.resolve("tls").resolve(SEALED_KEY));
        }
        try (Connection connection = DriverManager.getConnection(url, "postgres", null); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM crypto_sealed_file");
        }
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            assertEquals(fingerprint, server.tls().orElseThrow().fingerprint(), "the same key, now sealed");
            assertFalse(Files.exists(dataDir.resolve("tls").resolve(CLEAR_KEY)), "the clear file is removed");
            assertTrue(Envelope.isSealed(Files.readAllBytes(dataDir.resolve("tls").resolve(SEALED_KEY))));
            assertNotInFiles(dataDir, pkcs8);
            assertEquals(Integer.toString(server.crypto().keys().currentKeyId()), recordedKey(url, "tls-node-2"));
        }
    }

    @Test
    void aNodeThatWasDownDuringARotationResealsItsKeyFileWhenItStarts() throws Exception {
        String url = SharedPostgres.newDatabase("tls_down_rotation");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-4");
        int rotatedTo;
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            KeyService keys = server.crypto().keys();
            // the rotation another node makes while this one is down: a new current data key, and no listener runs here
            rotatedTo = keys.repository().createCurrent(keys.newKey(keys.latestKekVersion()), "other-node", Instant.now(), false).id();
        }
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(), settings)) {
            assertEquals(rotatedTo, server.crypto().keys().currentKeyId());
            assertEquals(rotatedTo, Envelope.keyId(Files.readAllBytes(dataDir.resolve("tls").resolve(SEALED_KEY)),
                    SealContext.file("tls-key", CLEAR_KEY)), "the file is re-sealed under the current key at start");
            assertEquals(Integer.toString(rotatedTo), recordedKey(url, "tls-node-4"));
        }
    }

    @Test
    void anOperatorsCertificateReplacesTheSelfSignedOneAndItsSealedKeyNoLongerHoldsADataKey() throws Exception {
        String url = SharedPostgres.newDatabase("tls_operator");
        Path dataDir = TestServers.tempDir();
        Path tls = dataDir.resolve("tls");
        try (PgAnalyticsServer ignored = TestServers.start(url, TestServers.newClusterName(),
                Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-5"))) {
            // the self-signed key is sealed and recorded
        }
        // the operator's own pair: here, the self-signed certificate and its key written out as a PEM pair elsewhere
        Path operator = TestServers.tempDir();
        Files.copy(tls.resolve("server.crt"), operator.resolve("server.crt"));
        try (PgAnalyticsServer server = TestServers.start(url, TestServers.newClusterName(),
                Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-5"))) {
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(new JcaPKCS8Generator(server.tls().orElseThrow().privateKey(), null).generate());
            }
            Files.writeString(operator.resolve("server.key"), pem.toString());
        }
        try (PgAnalyticsServer ignored = TestServers.start(url, TestServers.newClusterName(), Map.of("server.data-dir", dataDir.toString(),
                "server.node-name", "tls-node-5", "http.tls.certificate-file", operator.resolve("server.crt").toString(),
                "http.tls.key-file", operator.resolve("server.key").toString()))) {
            assertEquals("none", recordedKey(url, "tls-node-5"), "no data key is held for a key file no longer used");
            assertFalse(Files.exists(tls.resolve(SEALED_KEY)), "the unused self-signed key is removed");
        }
    }

    @Test
    void aTamperedSealedKeyFileStopsStartUpNamingTheFile() throws Exception {
        String url = SharedPostgres.newDatabase("tls_tamper");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString(), "server.node-name", "tls-node-3");
        try (PgAnalyticsServer ignored = TestServers.start(url, TestServers.newClusterName(), settings)) {
            // the key file is written
        }
        Path file = dataDir.resolve("tls").resolve(SEALED_KEY);
        byte[] sealed = Files.readAllBytes(file);
        sealed[sealed.length - 3] ^= 1;
        Files.write(file, sealed);
        RuntimeException e = assertThrows(RuntimeException.class, () -> TestServers.start(url, TestServers.newClusterName(), settings));
        assertTrue(e.getMessage().contains("tls-key file " + CLEAR_KEY), e.getMessage());
    }

    private static String recordedKey(String url, String node) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, "postgres", null); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT key_id FROM crypto_sealed_file WHERE node_name = '" + node + "' AND purpose = 'tls-key'")) {
            return rows.next() ? rows.getString(1) : "none";
        }
    }

    private static void assertNotInFiles(Path root, byte[] secret) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(file);
                outer:
                for (int i = 0; i <= content.length - secret.length; i++) {
                    for (int j = 0; j < secret.length; j++) {
                        if (content[i + j] != secret[j]) {
                            continue outer;
                        }
                    }
                    throw new AssertionError(file + " holds the TLS private key in the clear");
                }
            }
        }
    }
}
