package io.pganalytics.server;

import io.helidon.config.Config;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.config.ConfigLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole configuration tree is held to the keys the features read: a typo stops start-up, naming the nearest key. */
@Tag("fault-and-attack")
class ConfigurationKeysTest {
    @TempDir
    Path dir;

    private Config file(String yaml) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Map.of(), Map.of());
    }

    @Test
    void aVariableThatASettingNamesAsHoldingASecretIsNotTakenForAConfigurationKey() throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, """
                encryption:
                  aws-kms:
                    access-key-id-env: PGANALYTICS_KMS_ACCESS_KEY_ID
                    secret-access-key-env: PGANALYTICS_KMS_SECRET_ACCESS_KEY
                """);
        Map<String, String> environment = Map.of("PGANALYTICS_KMS_ACCESS_KEY_ID", "AKIAEXAMPLE",
                "PGANALYTICS_KMS_SECRET_ACCESS_KEY", "secret", "PGANALYTICS_HTTP_PORT", "7300");
        Config config = ConfigLoader.load(file, environment, Map.of());

        ServerConfiguration read = ServerConfiguration.read(config); // before: unknown key 'kms.access-key-id'
        assertEquals(7300, read.http().port(), "the other variables still configure");
    }

    @Test
    void theBuiltInConfigurationAndEveryOptionalKeyItDocumentsAreAccepted() throws Exception {
        ServerConfiguration.read(ConfigLoader.load(null, Map.of(), Map.of()));
        Files.writeString(dir.resolve("a.crt"), "x");
        ServerConfiguration.read(file("""
                server: {data-dir: /tmp/pga, node-name: n1}
                http:
                  tls: {certificate-file: /tmp/a.crt, key-file: /tmp/a.key, self-signed-names: [a.example.com, b]}
                database: {url: "jdbc:postgresql://db/x", password: pw}
                cluster: {join: members, members: ["10.0.0.1:5701", "10.0.0.2:5701"], kubernetes-dns: x.svc}
                ingest: {max-admitted-bytes: 256MiB}
                maintenance:
                  retention:
                    families:
                      statements: {raw: 7d, minute: 30d}
                encryption:
                  aws-kms:
                    region: eu-west-1
                    endpoint: https://vpce-0abc.kms.eu-west-1.vpce.amazonaws.com
                    access-key-id-env: PGANALYTICS_KMS_ACCESS_KEY_ID
                    secret-access-key-env: PGANALYTICS_KMS_SECRET_ACCESS_KEY
                    session-token-env: PGANALYTICS_KMS_SESSION_TOKEN
                """));
    }

    @Test
    void awsKmsSettingsOutOfRangeOrHalfGivenAreRefusedNamingTheKey() throws Exception {
        ConfigException window = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("encryption:\n  provider: aws-kms\n  aws-kms: {deletion-window: 5}\n")));
        assertEquals("encryption.aws-kms.deletion-window", window.key());
        ConfigException alias = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("encryption:\n  aws-kms: {alias-prefix: alias/aws/mine}\n")));
        assertEquals("encryption.aws-kms.alias-prefix", alias.key());
        ConfigException half = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("encryption:\n  aws-kms: {access-key-id-env: MY_KEY_ID}\n")));
        assertEquals("encryption.aws-kms.secret-access-key-env", half.key());
    }

    @Test
    void aMisspeltKeyInTheFileIsRefusedNamingItsFullPathAndTheNearestValidKey() throws Exception {
        Config config = file("ingest:\n  max-compresed-bytes: 1MiB\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfiguration.read(config));
        assertEquals("ingest.max-compresed-bytes", e.key());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean ingest.max-compressed-bytes?"), e.getMessage());
    }

    @Test
    void anUnknownSectionAndADeepTypoAreRefusedToo() throws Exception {
        ConfigException section = assertThrows(ConfigException.class, () -> ServerConfiguration.read(file("qeury:\n  max-points: 10\n")));
        assertEquals("qeury.max-points", section.key());
        assertTrue(section.getMessage().contains("did you mean query.max-points?"), section.getMessage());
        ConfigException deep = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("auth:\n  password:\n    argon2: {memory-kb: 20000}\n")));
        assertTrue(deep.getMessage().contains("auth.password.argon2.memory-kib"), deep.getMessage());
    }

    @Test
    void aMisspeltEnvironmentVariableIsRefusedButTheServersOtherVariablesAreNotConfiguration() {
        Config typo = ConfigLoader.load(null, Map.of("PGANALYTICS_DATABSE_URL", "jdbc:postgresql://db/x"), Map.of());
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfiguration.read(typo));
        assertTrue(e.getMessage().contains("databse.url") && e.getMessage().contains("database.url"), e.getMessage());
        ServerConfiguration.read(ConfigLoader.load(null, Map.of("PGANALYTICS_ADMIN_PASSWORD", "x",
                "PGANALYTICS_JAVA_OPTS", "-Xmx1g", "PGANALYTICS_COLLECTOR_THREADS", "8", "PGANALYTICS_CONSOLE_HOME", "/x"), Map.of()));
    }

    @Test
    void thePkcs11SectionIsReadAndAProviderWithoutLibraryOrTokenIsRefused() throws Exception {
        ServerConfiguration.read(file("""
                encryption:
                  provider: pkcs11
                  pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, token-label: pga, pin-file: /run/secrets/pin,
                           pin-env: HSM_PIN, key-label-prefix: kek}
                """));
        ConfigException library = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("encryption: {provider: pkcs11, pkcs11: {token-label: pga}}\n")));
        assertEquals("encryption.pkcs11.library", library.key());
        ConfigException both = assertThrows(ConfigException.class, () -> ServerConfiguration.read(
                file("encryption: {provider: pkcs11, pkcs11: {library: /usr/lib/x.so, token-label: pga, slot: 3}}\n")));
        assertEquals("encryption.pkcs11.token-label", both.key());
        ConfigException typo = assertThrows(ConfigException.class,
                () -> ServerConfiguration.read(file("encryption: {pkcs11: {token-lable: pga}}\n")));
        assertTrue(typo.getMessage().contains("did you mean encryption.pkcs11.token-label?"), typo.getMessage());
    }

    @Test
    void theVariablesHoldingTheHsmPinAndTheKeyStorePassphraseAreSecretsNotConfiguration() {
        ServerConfiguration.read(ConfigLoader.load(null, Map.of("PGANALYTICS_HSM_PIN", "1234", "PGANALYTICS_KEK_PASSPHRASE", "x",
                "PGANALYTICS_ENCRYPTION_PKCS11_TOKEN__LABEL", "pga"), Map.of()));
    }
}
