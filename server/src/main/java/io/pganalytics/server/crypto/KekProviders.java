package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.CryptoException;
import io.pganalytics.common.crypto.KeyEncryptionKeys;
import io.pganalytics.common.crypto.KeyStoreFileKeys;
import io.pganalytics.common.crypto.Pkcs11Keys;
import io.pganalytics.server.config.ConfigException;
import io.pganalytics.server.files.OwnerOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Opens the configured key-encryption-key provider. */
final class KekProviders {
    static final String GENERATED_PASSPHRASE = "kek.passphrase";
    private static final Logger LOG = LoggerFactory.getLogger(KekProviders.class);

    private KekProviders() {
    }

    /**
     * @throws ConfigException naming the setting when the provider cannot be opened: a wrong passphrase, an unreadable
     *                         file, an unreachable HSM or KMS. A server never starts without its key-encryption key.
     */
    static KeyEncryptionKeys open(EncryptionConfig config, Path dataDir, Map<String, String> environment, SecureRandom random) {
        return switch (config.provider()) {
            case KEYSTORE -> keyStore(config.keystore(), dataDir, environment, random);
            case PKCS11 -> pkcs11(config.pkcs11(), environment, random);
            case AWS_KMS -> awsKms(config.awsKms(), environment);
        };
    }

    private static KeyEncryptionKeys awsKms(EncryptionConfig.AwsKmsSettings settings, Map<String, String> environment) {
        String region = settings.region().or(() -> Optional.ofNullable(environment.get("AWS_REGION")).filter(r -> !r.isBlank()))
                .orElseThrow(() -> new ConfigException("encryption.aws-kms.region", "no region: set it, or AWS_REGION in the server's environment"));
        try {
            return AwsKmsKeys.open(settings, region, credentials(settings, environment));
        } catch (CryptoException e) {
            throw new ConfigException(settings.endpoint().isPresent() ? "encryption.aws-kms.endpoint" : "encryption.aws-kms",
                    e.getMessage() + "; the server does not start without its key-encryption key (docs/encryption/aws-kms.md)");
        }
    }

    /** The access key from the named variables, else the SDK's default chain (which reads the process's own environment). */
    private static AwsCredentialsProvider credentials(EncryptionConfig.AwsKmsSettings settings, Map<String, String> environment) {
        if (settings.accessKeyIdEnv().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String keyId = variable(environment, settings.accessKeyIdEnv().get(), "encryption.aws-kms.access-key-id-env");
        String secret = variable(environment, settings.secretAccessKeyEnv().orElseThrow(), "encryption.aws-kms.secret-access-key-env");
        if (settings.sessionTokenEnv().isPresent()) {
            String token = variable(environment, settings.sessionTokenEnv().get(), "encryption.aws-kms.session-token-env");
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(keyId, secret, token));
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret));
    }

    private static String variable(Map<String, String> environment, String name, String key) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "the environment variable " + name + " is not set");
        }
        return value.strip();
    }

    private static KeyEncryptionKeys pkcs11(EncryptionConfig.Pkcs11Settings settings, Map<String, String> environment, SecureRandom random) {
        Path library = settings.library().orElseThrow();
        Pkcs11Keys.Token token = settings.tokenLabel().map(label -> Pkcs11Keys.Token.labelled(library, label))
                .orElseGet(() -> Pkcs11Keys.Token.inSlot(library, settings.slot().orElseThrow()));
        char[] pin = pin(settings, environment);
        try {
            return Pkcs11Keys.open(token, pin, settings.keyLabelPrefix(), random);
        } catch (CryptoException e) {
            String key;
            if (e.reason() == CryptoException.Reason.WRONG_PASSPHRASE) {
                key = settings.pinFile().isPresent() ? "encryption.pkcs11.pin-file" : "encryption.pkcs11.pin-env";
            } else if (!Files.isRegularFile(library)) {
                key = "encryption.pkcs11.library";
            } else {
                key = settings.tokenLabel().isPresent() ? "encryption.pkcs11.token-label" : "encryption.pkcs11.slot";
            }
            throw new ConfigException(key, e.getMessage() + "; the server does not start without its key-encryption key");
        } finally {
            java.util.Arrays.fill(pin, '\0');
        }
    }

    /** The token's user PIN from {@code pin-file}, else from the environment variable; never generated. */
    private static char[] pin(EncryptionConfig.Pkcs11Settings settings, Map<String, String> environment) {
        if (settings.pinFile().isPresent()) {
            Path file = settings.pinFile().get();
            try {
                return firstLine(file);
            } catch (IOException e) {
                throw new ConfigException("encryption.pkcs11.pin-file", "cannot read the PIN from " + file + ": " + e.getMessage());
            }
        }
        String fromEnvironment = environment.get(settings.pinEnv());
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            throw new ConfigException("encryption.pkcs11.pin-env", "the HSM's user PIN is not set: set " + settings.pinEnv()
                    + " or encryption.pkcs11.pin-file");
        }
        return fromEnvironment.strip().toCharArray();
    }

    private static KeyEncryptionKeys keyStore(EncryptionConfig.KeyStoreSettings settings, Path dataDir, Map<String, String> environment,
                                              SecureRandom random) {
        Path file = settings.file().orElse(dataDir.resolve("keys").resolve("kek.p12")).toAbsolutePath().normalize();
        char[] passphrase = passphrase(settings, file, environment, random);
        try {
            return KeyStoreFileKeys.open(file, passphrase, !settings.readOnly(), random);
        } catch (CryptoException e) {
            String key = e.reason() == CryptoException.Reason.WRONG_PASSPHRASE
                    ? settings.passphraseFile().isPresent() ? "encryption.keystore.passphrase-file" : "encryption.keystore"
                    : "encryption.keystore.file";
            throw new ConfigException(key, e.getMessage() + "; the server does not start without its key-encryption key");
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }

    /**
     * The passphrase from {@code passphrase-file}, else from the environment variable, else (the embedded default) one
     * generated on first start into a file beside the key store, with a warning that it then protects only copies of
     * the database, not of the data directory.
     */
    static char[] passphrase(EncryptionConfig.KeyStoreSettings settings, Path keyStore, Map<String, String> environment, SecureRandom random) {
        if (settings.passphraseFile().isPresent()) {
            Path file = settings.passphraseFile().get();
            try {
                return firstLine(file);
            } catch (IOException e) {
                throw new ConfigException("encryption.keystore.passphrase-file", "cannot read " + file + ": " + e.getMessage());
            }
        }
        String fromEnvironment = environment.get(settings.passphraseEnv());
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip().toCharArray();
        }
        Path generated = keyStore.resolveSibling(GENERATED_PASSPHRASE);
        try {
            if (!Files.exists(generated)) {
                if (Files.exists(keyStore)) {
                    throw new ConfigException("encryption.keystore", "the key store " + keyStore + " exists but no passphrase is configured: set "
                            + settings.passphraseEnv() + " or encryption.keystore.passphrase-file");
                }
                OwnerOnly.directory(generated.getParent());
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                OwnerOnly.writeString(generated, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n");
                LOG.info("encryption: generated a key store passphrase in {}", generated);
            }
            LOG.warn("encryption: the key store's passphrase is kept beside it ({}); it protects copies of the database and its "
                    + "backups, not a copy of this directory. For production set {} or encryption.keystore.passphrase-file "
                    + "(a file on another volume or a mounted secret), or use an HSM or a KMS (docs/ENCRYPTION.md)",
                    generated, settings.passphraseEnv());
            return firstLine(generated);
        } catch (IOException e) {
            throw new ConfigException("encryption.keystore", "cannot create or read " + generated + ": " + e.getMessage());
        }
    }

    private static char[] firstLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String line = lines.isEmpty() ? "" : lines.get(0).strip();
        if (line.isEmpty()) {
            throw new IOException("the file is empty");
        }
        return line.toCharArray();
    }
}
