package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.PgAnalyticsServer;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.testing.KmsEmulator;
import io.pganalytics.server.testing.SharedPostgres;
import io.pganalytics.server.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server on the {@code aws-kms} provider, against the KMS emulator (see {@link KmsEmulator} for what that does
 * not prove): the key-encryption key is a KMS key, the data key is wrapped by it, and both survive a restart.
 */
class AwsKmsServerTest {
    private static final SealContext CONTEXT = SealContext.record("auth_identity_provider", "client_secret", "7");
    private static final Map<String, String> CREDENTIALS = Map.of("TEST_KMS_KEY_ID", "AKIATESTSERVER", "TEST_KMS_SECRET", "not-checked-by-the-emulator");

    private static Map<String, String> settings(String endpoint) {
        Map<String, String> settings = new HashMap<>();
        settings.put("encryption.provider", "aws-kms");
        settings.put("encryption.aws-kms.region", "eu-west-1");
        settings.put("encryption.aws-kms.endpoint", endpoint);
        settings.put("encryption.aws-kms.access-key-id-env", "TEST_KMS_KEY_ID");
        settings.put("encryption.aws-kms.secret-access-key-env", "TEST_KMS_SECRET");
        return settings;
    }

    private static PgAnalyticsServer start(String database, Map<String, String> settings) {
        return TestServers.start(database, TestServers.newClusterName(), settings, Clock.systemUTC(), List.of(), CREDENTIALS);
    }

    @Test
    void aServerOnAwsKmsSealsRestartsAndOpensWithTheSameKmsKey() {
        String database = SharedPostgres.newDatabase("kms_restart");
        try (KmsEmulator kms = KmsEmulator.start("eu-west-1", 100)) {
            Map<String, String> settings = settings(kms.endpoint().toString());
            byte[] sealed;
            int keyId;
            try (PgAnalyticsServer server = start(database, settings)) {
                sealed = server.crypto().sealer().sealText(CONTEXT, "s3cr3t-client-secret");
                keyId = server.crypto().keys().currentKeyId();
            }
            KmsEmulator.Key kek = kms.keyOfAlias("alias/pganalytics-kek-v1").orElseThrow();
            assertEquals("Enabled", kek.state());
            assertTrue(kms.calls().stream().anyMatch(c -> c.operation().equals("Encrypt")
                    && c.body().path("EncryptionContext").path("pganalytics-kind").asText().equals("data-key")
                    && "AKIATESTSERVER".equals(c.accessKeyId())), "the data key was wrapped by KMS, bound to its context, with the configured credentials");

            long decryptsBefore = kms.calls().stream().filter(c -> c.operation().equals("Decrypt")).count();
            try (PgAnalyticsServer server = start(database, settings)) {
                assertEquals(keyId, server.crypto().keys().currentKeyId(), "the data key is kept, not replaced");
                assertEquals("s3cr3t-client-secret", server.crypto().sealer().openText(CONTEXT, sealed));
                assertArrayEquals(new byte[] {1, 2, 3}, server.crypto().sealer().open(CONTEXT, server.crypto().sealer().seal(CONTEXT, new byte[] {1, 2, 3})));
            }
            assertTrue(kms.calls().stream().filter(c -> c.operation().equals("Decrypt")).count() > decryptsBefore,
                    "the restarted server unwrapped its data key through KMS");
            assertEquals(kek.id(), kms.keyOfAlias("alias/pganalytics-kek-v1").orElseThrow().id(), "no second KMS key was made on restart");
            assertTrue(kms.keyOfAlias("alias/pganalytics-kek-v2").isEmpty());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a hang, not a measurement
    void anUnreachableKmsStopsStartUpNamingRegionAliasAndEndpoint() throws IOException {
        String database = SharedPostgres.newDatabase("kms_unreachable");
        // a port that accepts connections and never answers: only the configured timeouts end the wait
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = settings("http://127.0.0.1:" + silent.getLocalPort());
            settings.put("encryption.aws-kms.timeout", "1s");
            settings.put("encryption.aws-kms.max-attempts", "2");
            ConfigException e = assertThrows(ConfigException.class, () -> start(database, settings));
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().contains("encryption.aws-kms"), e.getMessage());
            assertTrue(e.getMessage().contains("eu-west-1") && e.getMessage().contains("alias/pganalytics-kek"), e.getMessage());
            assertTrue(e.getMessage().contains("cannot be reached") && e.getMessage().contains("does not start"), e.getMessage());
        }
    }
}
