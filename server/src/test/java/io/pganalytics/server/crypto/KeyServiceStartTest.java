package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key service on a real server: what it seals opens after a restart, and it never starts without its key. */
class KeyServiceStartTest {
    private static final SealContext CONTEXT = SealContext.record("auth_mfa_factor", "secret", "1");

    @Test
    void aValueSealedBeforeARestartOpensAfterIt() {
        String database = SharedPostgres.newDatabase("keys_restart");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of("server.data-dir", dataDir.toString());
        byte[] sealed;
        int keyId;
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), settings)) {
            sealed = server.crypto().sealer().sealText(CONTEXT, "JBSWY3DPEHPK3PXP");
            keyId = server.crypto().keys().currentKeyId();
        }
        assertTrue(Files.exists(dataDir.resolve("keys").resolve("kek.p12")), "the key store was created in <data-dir>/keys");
        try (PgAnalyticsServer server = TestServers.start(database, TestServers.newClusterName(), settings)) {
            assertEquals(keyId, server.crypto().keys().currentKeyId(), "the data key is kept, not replaced");
            assertEquals("JBSWY3DPEHPK3PXP", server.crypto().sealer().openText(CONTEXT, sealed));
            CryptoException moved = assertThrows(CryptoException.class,
                    () -> server.crypto().sealer().open(SealContext.record("auth_mfa_factor", "secret", "2"), sealed));
            assertEquals(CryptoException.Reason.TAMPERED, moved.reason());
        }
    }

    @Test
    void aWrongPassphraseStopsStartUpSayingSo() throws Exception {
        String database = SharedPostgres.newDatabase("keys_wrong_pass");
        Path dataDir = TestServers.tempDir();
        Path passphrase = dataDir.resolve("keys").resolve(KekProviders.GENERATED_PASSPHRASE);
        try (PgAnalyticsServer ignored = TestServers.start(database, TestServers.newClusterName(), Map.of("server.data-dir", dataDir.toString()))) {
            assertTrue(Files.exists(passphrase));
        }
        Files.writeString(passphrase, "not-the-passphrase\n");

        ConfigException e = assertThrows(ConfigException.class, () -> TestServers.start(database, TestServers.newClusterName(),
                Map.of("server.data-dir", dataDir.toString())));
        assertTrue(e.getMessage().contains("passphrase") && e.getMessage().contains("does not start"), e.getMessage());
    }

    @Test
    void thePassphraseFromItsEnvironmentVariableIsUsedAndNotTakenForAConfigurationKey() {
        String database = SharedPostgres.newDatabase("keys_env_pass");
        Path dataDir = TestServers.tempDir();
        Map<String, String> settings = Map.of(
                "server.data-dir", dataDir.toString(),
                "database.url", database,
                "http.host", "127.0.0.1", "http.port", "0", "http.admin-port", "0",
                "cluster.name", TestServers.newClusterName(),
                "cluster.port", Integer.toString(TestServers.freePort()));
        Map<String, String> environment = Map.of(EncryptionConfig.DEFAULT_PASSPHRASE_ENV, "a passphrase from the environment",
                "PGANALYTICS_ADMIN_PASSWORD", TestServers.ADMIN_PASSWORD);
        try (PgAnalyticsServer ignored = PgAnalyticsServer.start(ConfigLoader.load(null, environment, settings), environment,
                Clock.systemUTC())) {
            assertTrue(Files.exists(dataDir.resolve("keys").resolve("kek.p12")));
            assertFalse(Files.exists(dataDir.resolve("keys").resolve(KekProviders.GENERATED_PASSPHRASE)),
                    "no passphrase is generated when the variable gives one");
        }
        Map<String, String> wrong = Map.of(EncryptionConfig.DEFAULT_PASSPHRASE_ENV, "another passphrase");
        ConfigException e = assertThrows(ConfigException.class,
                () -> PgAnalyticsServer.start(ConfigLoader.load(null, wrong, settings), wrong, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("passphrase"), e.getMessage());
    }

    @Test
    void anotherKeyStoreIsNotThisDatabasesAndStartUpStops() {
        String database = SharedPostgres.newDatabase("keys_other_store");
        try (PgAnalyticsServer ignored = TestServers.start(database, TestServers.newClusterName(), Map.of())) {
            // the first node created the data key under its own key store
        }
        ConfigException e = assertThrows(ConfigException.class, () -> TestServers.start(database, TestServers.newClusterName(),
                Map.of("server.data-dir", TestServers.tempDir().toString())));
        assertTrue(e.getMessage().contains("does not unwrap"), e.getMessage());
    }
}
