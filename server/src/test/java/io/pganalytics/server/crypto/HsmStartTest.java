package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.SoftHsm;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server whose key-encryption key is in a PKCS#11 token (SoftHSM2): its data keys survive a restart, and a wrong PIN stops it. */
class HsmStartTest {
    private static final SealContext CONTEXT = SealContext.record("auth_mfa_factor", "secret", "1");

    private static Map<String, String> onTheHsm(SoftHsm.Token token, Path pinFile, Path dataDir) {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.data-dir", dataDir.toString());
        settings.put("encryption.provider", "pkcs11");
        settings.put("encryption.pkcs11.library", SoftHsm.library());
        settings.put("encryption.pkcs11.token-label", token.label());
        settings.put("encryption.pkcs11.pin-file", pinFile.toString());
        settings.put("encryption.pkcs11.key-label-prefix", "srv-" + UUID.randomUUID().toString().substring(0, 8));
        return settings;
    }

    @Test
    void aValueSealedOnTheHsmOpensAfterARestart() throws SQLException {
        String database = SharedPostgres.newDatabase("keys_hsm_restart");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = onTheHsm(SoftHsm.TOKEN, SoftHsm.TOKEN.pinFile(), dataDir);
        byte[] sealed;
        int keyId;
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), settings)) {
            sealed = server.crypto().sealer().sealText(CONTEXT, "JBSWY3DPEHPK3PXP");
            keyId = server.crypto().keys().currentKeyId();
        }
        assertFalse(Files.exists(dataDir.resolve("keys")), "no key store file beside the data: the key-encryption key is in the token");
        assertEquals("pkcs11 token " + SoftHsm.TOKEN.label() + ", keys " + settings.get("encryption.pkcs11.key-label-prefix") + "-v<N>",
                wrappedBy(database, keyId), "the data key is wrapped by the token's key");
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), settings)) {
            assertEquals(keyId, server.crypto().keys().currentKeyId(), "the data key is kept, not replaced");
            assertEquals("JBSWY3DPEHPK3PXP", server.crypto().sealer().openText(CONTEXT, sealed));
        }
    }

    private static String wrappedBy(String database, int keyId) throws SQLException {
        try (Connection c = DriverManager.getConnection(database, "postgres", "");
             PreparedStatement select = c.prepareStatement("SELECT kek_kind || ' ' || kek_location FROM crypto_data_key WHERE id = ?")) {
            select.setInt(1, keyId);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next(), "data key " + keyId + " is in crypto_data_key");
                return rs.getString(1);
            }
        }
    }

    @Test
    void aServerWithAWrongPinDoesNotStartAndSaysWhy() throws Exception {
        Path dataDir = TestServers.tempDir();
        Path wrongPin = dataDir.resolve("hsm.pin");
        Files.writeString(wrongPin, "not-the-user-pin\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TestServers.start(SharedPostgres.newDatabase("keys_hsm_pin"),
                TestServers.newClusterName(), onTheHsm(SoftHsm.NEVER_LOGGED_IN, wrongPin, dataDir)));
        assertEquals("encryption.pkcs11.pin-file", e.key());
        assertTrue(e.getMessage().contains("PIN") && e.getMessage().contains(SoftHsm.NEVER_LOGGED_IN.label())
                && e.getMessage().contains("does not start"), e.getMessage());
    }

    @Test
    void aServerNamingAMissingTokenDoesNotStartAndNamesIt() {
        Map<String, String> settings = onTheHsm(SoftHsm.TOKEN, SoftHsm.TOKEN.pinFile(), TestServers.tempDir());
        settings.put("encryption.pkcs11.token-label", "no-such-token");
        ConfigException e = assertThrows(ConfigException.class, () -> TestServers.start(SharedPostgres.newDatabase("keys_hsm_token"),
                TestServers.newClusterName(), settings));
        assertEquals("encryption.pkcs11.token-label", e.key());
        assertTrue(e.getMessage().contains("no-such-token") && e.getMessage().contains("does not start"), e.getMessage());
    }
}
