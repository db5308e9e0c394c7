package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.SealContext;
import io.pganalytics.server.testing.KmsEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AWS KMS provider against the KMS emulator (what the emulator does not prove: {@link KmsEmulator}). */
class AwsKmsKeysTest {
    private static final String REGION = "eu-central-1";
    private static final SealContext DATA_KEY_7 = SealContext.dataKey("server", "7");
    private static final byte[] RAW = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Pages of two aliases: every listing of three or more versions takes several requests. */
    private final KmsEmulator kms = KmsEmulator.start(REGION, 2);

    @AfterEach
    void stop() {
        kms.close();
    }

    private AwsKmsKeys open(String prefix, int deletionWindow, boolean createKeys) {
        EncryptionConfig.AwsKmsSettings settings = new EncryptionConfig.AwsKmsSettings(Optional.of(REGION), Optional.of(kms.endpoint()), prefix,
                deletionWindow, createKeys, Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(5), 2);
        return AwsKmsKeys.open(settings, REGION, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNITTEST", "secret")));
    }

    @Test
    void versionsAreAliasesEachOnItsOwnKeyFoundAcrossListPages() {
        try (AwsKmsKeys other = open("alias/other-app", 30, true)) {
            other.createVersion(); // an alias of another application between ours: not a version
        }
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 30, true)) {
            assertEquals(Set.of(), keys.versions());
            assertEquals(1, keys.createVersion());
            assertEquals(2, keys.createVersion());
            assertEquals(3, keys.createVersion());
            assertEquals(new TreeSet<>(List.of(1, 2, 3)), keys.versions());
            assertEquals("alias/pganalytics-kek in " + REGION, keys.location());
        }
        Set<String> keyIds = List.of(1, 2, 3).stream().map(v -> kms.keyOfAlias("alias/pganalytics-kek-v" + v).orElseThrow().id()).collect(Collectors.toSet());
        assertEquals(3, keyIds.size(), "each version is its own KMS key");
        assertTrue(kms.calls().stream().filter(c -> c.operation().equals("ListAliases")).anyMatch(c -> c.body().has("Marker")),
                "the listing followed NextMarker");
        try (AwsKmsKeys reopened = open("alias/pganalytics-kek", 30, true)) {
            assertEquals(new TreeSet<>(List.of(1, 2, 3)), reopened.versions(), "a new client finds the same versions");
        }
    }

    @Test
    void twoNodesCreatingTheSameVersionAtOnceBothGetItAndTheSpareKeyIsScheduledForDeletion() {
        try (AwsKmsKeys a = open("alias/pganalytics-kek", 30, true); AwsKmsKeys b = open("alias/pganalytics-kek", 30, true)) {
            int[] fromA = new int[1];
            kms.beforeNext("CreateAlias", () -> fromA[0] = a.createVersion()); // a names v1 between b's CreateKey and CreateAlias
            assertEquals(1, b.createVersion());
            assertEquals(1, fromA[0]);
            assertEquals(new TreeSet<>(List.of(1)), b.versions());
            String spare = kms.calls().stream().filter(c -> c.operation().equals("ScheduleKeyDeletion")).findFirst().orElseThrow()
                    .body().get("KeyId").asText();
            assertEquals("PendingDeletion", kms.key(spare).orElseThrow().state());
            assertEquals("Enabled", kms.keyOfAlias("alias/pganalytics-kek-v1").orElseThrow().state());
            assertArrayEquals(RAW, a.unwrap(1, b.wrap(1, RAW, DATA_KEY_7), DATA_KEY_7));
        }
    }

    @Test
    void aWrappedKeyUnwrapsOnlyUnderItsVersionAndContext() {
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 30, true)) {
            keys.createVersion();
            keys.createVersion();
            byte[] wrapped = keys.wrap(1, RAW, DATA_KEY_7);
            assertArrayEquals(RAW, keys.unwrap(1, wrapped, DATA_KEY_7));

            KmsEmulator.Call encrypt = kms.calls().stream().filter(c -> c.operation().equals("Encrypt")).findFirst().orElseThrow();
            assertEquals("alias/pganalytics-kek-v1", encrypt.body().get("KeyId").asText());
            assertEquals("data-key", encrypt.body().get("EncryptionContext").get("pganalytics-kind").asText());
            assertEquals("7", encrypt.body().get("EncryptionContext").get("pganalytics-id").asText());
            assertEquals("1", encrypt.body().get("EncryptionContext").get("pganalytics-kek-version").asText());
            assertEquals("AKIAUNITTEST", encrypt.accessKeyId());

            CryptoException moved = assertThrows(CryptoException.class, () -> keys.unwrap(1, wrapped, SealContext.dataKey("server", "8")));
            assertEquals(CryptoException.Reason.TAMPERED, moved.reason(), moved.getMessage());
            CryptoException otherVersion = assertThrows(CryptoException.class, () -> keys.unwrap(2, wrapped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.TAMPERED, otherVersion.reason(), otherVersion.getMessage());
            byte[] flipped = wrapped.clone();
            flipped[flipped.length - 1] ^= 1;
            CryptoException altered = assertThrows(CryptoException.class, () -> keys.unwrap(1, flipped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.TAMPERED, altered.reason(), altered.getMessage());
            assertTrue(altered.getMessage().contains("alias/pganalytics-kek-v1") && altered.getMessage().contains(REGION), altered.getMessage());
        }
    }

    @Test
    void anAliasPointedAtAnotherKeyNoLongerUnwraps() {
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 30, true)) {
            keys.createVersion();
            keys.createVersion();
            byte[] wrapped = keys.wrap(1, RAW, DATA_KEY_7);
            kms.repoint("alias/pganalytics-kek-v1", kms.keyOfAlias("alias/pganalytics-kek-v2").orElseThrow().id());
            CryptoException e = assertThrows(CryptoException.class, () -> keys.unwrap(1, wrapped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.TAMPERED, e.reason(), e.getMessage());
        }
    }

    @Test
    void destroyDeletesTheAliasAndSchedulesItsKeysDeletionWithTheConfiguredWindow() {
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 9, true)) {
            keys.createVersion();
            keys.createVersion();
            byte[] wrapped = keys.wrap(1, RAW, DATA_KEY_7);
            String keyId = kms.keyOfAlias("alias/pganalytics-kek-v1").orElseThrow().id();

            keys.destroyVersion(1);

            assertEquals(new TreeSet<>(List.of(2)), keys.versions());
            assertEquals("PendingDeletion", kms.key(keyId).orElseThrow().state());
            assertEquals(9, kms.key(keyId).orElseThrow().pendingWindowDays());
            CryptoException gone = assertThrows(CryptoException.class, () -> keys.unwrap(1, wrapped, DATA_KEY_7));
            assertEquals(CryptoException.Reason.UNKNOWN_KEY, gone.reason(), gone.getMessage());
            assertEquals(3, keys.createVersion(), "a destroyed version's number is not reused while a later one exists");
        }
    }

    @Test
    void anOperatorProvisionedSetIsUsedButNeverChanged() {
        try (AwsKmsKeys admin = open("alias/pganalytics-kek", 30, true)) {
            admin.createVersion();
        }
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 30, false)) {
            assertFalse(keys.canManage());
            assertArrayEquals(RAW, keys.unwrap(1, keys.wrap(1, RAW, DATA_KEY_7), DATA_KEY_7));
            assertEquals(CryptoException.Reason.REFUSED, assertThrows(CryptoException.class, keys::createVersion).reason());
            assertEquals(CryptoException.Reason.REFUSED, assertThrows(CryptoException.class, () -> keys.destroyVersion(1)).reason());
        }
        assertEquals("Enabled", kms.keyOfAlias("alias/pganalytics-kek-v1").orElseThrow().state());
    }

    @Test
    void accessDeniedIsKeyUnavailableNamingRegionAndAlias() {
        try (AwsKmsKeys keys = open("alias/pganalytics-kek", 30, true)) {
            keys.createVersion();
            kms.denyAll(true);
            CryptoException e = assertThrows(CryptoException.class, () -> keys.wrap(1, RAW, DATA_KEY_7));
            assertEquals(CryptoException.Reason.KEY_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("AccessDeniedException") && e.getMessage().contains("alias/pganalytics-kek-v1")
                    && e.getMessage().contains(REGION), e.getMessage());
        }
    }

    @Test
    void theEncryptionContextNamesEveryPartOfTheSealContext() {
        assertEquals(Map.of("pganalytics-kind", "record", "pganalytics-owner", "auth_user", "pganalytics-field", "mfa_secret",
                        "pganalytics-id", "42", "pganalytics-kek-version", "3"),
                AwsKmsKeys.encryptionContext(3, SealContext.record("auth_user", "mfa_secret", "42")));
    }
}
