package io.pganalytics.server.crypto;

import io.helidon.config.Config;
import io.pganalytics.common.crypto.Pkcs11Keys;
import io.pganalytics.server.config.Settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code encryption} node: where the key-encryption key lives and what else is sealed.
 *
 * @param provider       which provider holds the key-encryption key
 * @param keystore       the PKCS#12 key store file provider's settings
 * @param awsKms         the AWS KMS provider's settings
 * @param pkcs11         the PKCS#11 (HSM) provider's settings
 * @param statementTexts whether statement texts (which may quote personal data) are sealed too: off by default,
 *                       its cost is in docs/BENCHMARKS.md
 * @param settings       whether settings values (a {@code primary_conninfo} may hold a password) are sealed too: off by
 *                       default, its cost is in docs/BENCHMARKS.md
 * @param rewrapRate     records per second the re-wrap job re-seals at most (it shares the database with ingest)
 * @param rewrapBatch    records re-sealed per transaction
 */
public record EncryptionConfig(Provider provider, KeyStoreSettings keystore, AwsKmsSettings awsKms, Pkcs11Settings pkcs11,
                               boolean statementTexts, boolean settings, int rewrapRate, int rewrapBatch) {
    public static final String DEFAULT_PASSPHRASE_ENV = "PGANALYTICS_KEK_PASSPHRASE";
    public static final String DEFAULT_PIN_ENV = "PGANALYTICS_HSM_PIN";
    private static final String VARIABLE_NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";

    public enum Provider {
        KEYSTORE,
        PKCS11,
        AWS_KMS
    }

    /**
     * @param file           the key store (default {@code <data-dir>/keys/kek.p12})
     * @param passphraseFile a file holding the passphrase (its first line)
     * @param passphraseEnv  the environment variable holding the passphrase, used when no file is named
     * @param readOnly       the file is provisioned by the operator (a mounted secret): never written, so no rotation
     *                       creates a version in it
     */
    public record KeyStoreSettings(Optional<Path> file, Optional<Path> passphraseFile, String passphraseEnv, boolean readOnly) {
    }

    /**
     * @param region             the AWS region ({@code AWS_REGION} of the server's environment when not set)
     * @param endpoint           an endpoint override: a VPC endpoint ({@code https://vpce-...}) or a test emulator
     * @param aliasPrefix        versions are the aliases {@code <alias-prefix>-v<N>}, each on its own symmetric KMS key
     * @param deletionWindowDays the pending window of a destroyed version's key (KMS allows 7 to 30 days)
     * @param createKeys         whether the server creates keys and aliases (false: the operator provisions them, and
     *                           rotation cannot add a version)
     * @param accessKeyIdEnv     the environment variable holding the access key id; empty: the SDK's default chain
     *                           (environment, profile, container or instance role, web identity)
     * @param secretAccessKeyEnv the environment variable holding the secret access key (with {@code accessKeyIdEnv})
     * @param sessionTokenEnv    the environment variable holding a session token, for temporary credentials
     * @param timeout            the bound of one attempt (connect and read)
     * @param maxAttempts        attempts per call, the first included (the SDK's standard back-off between them)
     */
    public record AwsKmsSettings(Optional<String> region, Optional<URI> endpoint, String aliasPrefix, int deletionWindowDays,
                                 boolean createKeys, Optional<String> accessKeyIdEnv, Optional<String> secretAccessKeyEnv,
                                 Optional<String> sessionTokenEnv, Duration timeout, int maxAttempts) {
        public static final String DEFAULT_ALIAS_PREFIX = "alias/pganalytics-kek";
    }

    /**
     * @param library        the token vendor's PKCS#11 library (an absolute path); required for this provider
     * @param tokenLabel     the token's label, looked up among the library's slots (or name its {@code slot})
     * @param slot           the token's slot id, for libraries whose labels are not unique
     * @param pinFile        a file holding the token's user PIN (its first line)
     * @param pinEnv         the environment variable holding the PIN, used when no file is named
     * @param keyLabelPrefix the key objects are labelled {@code <prefix>-v<N>}
     */
    public record Pkcs11Settings(Optional<Path> library, Optional<String> tokenLabel, Optional<Long> slot, Optional<Path> pinFile,
                                 String pinEnv, String keyLabelPrefix) {
    }

    public static EncryptionConfig from(Config node) {
        Config keystore = node.get("keystore");
        String env = Settings.string(keystore, "passphrase-env", DEFAULT_PASSPHRASE_ENV);
        if (!env.matches(VARIABLE_NAME)) {
            throw Settings.problem(keystore, "passphrase-env", "'" + env + "' is not an environment variable name");
        }
        Provider provider = Settings.choice(node, "provider", Provider.class, Provider.KEYSTORE);
        return new EncryptionConfig(
                provider,
                new KeyStoreSettings(Settings.path(keystore, "file"), Settings.path(keystore, "passphrase-file"), env,
                        Settings.bool(keystore, "read-only", false)),
                awsKms(node.get("aws-kms")),
                pkcs11(node.get("pkcs11"), provider == Provider.PKCS11),
                Settings.bool(node, "statement-texts", false),
                Settings.bool(node, "settings", false),
                Settings.integer(node, "rewrap-rate", 5000, 1, 1_000_000),
                Settings.integer(node, "rewrap-batch", 500, 1, 10_000));
    }

    private static AwsKmsSettings awsKms(Config node) {
        Optional<URI> endpoint = Settings.optionalString(node, "endpoint").map(text -> {
            try {
                URI uri = new URI(text.strip());
                if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                    throw Settings.problem(node, "endpoint", "'" + text + "' is not an http(s) URL with a host");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw Settings.problem(node, "endpoint", "'" + text + "' is not a URL: " + e.getMessage());
            }
        });
        String prefix = Settings.string(node, "alias-prefix", AwsKmsSettings.DEFAULT_ALIAS_PREFIX);
        if (!prefix.matches("alias/[a-zA-Z0-9/_-]{1,200}") || prefix.startsWith("alias/aws/")) {
            throw Settings.problem(node, "alias-prefix", "'" + prefix + "' is not a KMS alias name (alias/ then letters, digits, / _ -; "
                    + "not alias/aws/, which AWS reserves)");
        }
        Optional<String> keyIdEnv = variable(node, "access-key-id-env");
        Optional<String> secretEnv = variable(node, "secret-access-key-env");
        if (keyIdEnv.isPresent() != secretEnv.isPresent()) {
            throw Settings.problem(node, keyIdEnv.isPresent() ? "secret-access-key-env" : "access-key-id-env",
                    "access-key-id-env and secret-access-key-env are set together, or neither (the SDK's default credentials)");
        }
        return new AwsKmsSettings(Settings.optionalString(node, "region").map(String::strip), endpoint, prefix,
                Settings.integer(node, "deletion-window", 30, 7, 30), Settings.bool(node, "create-keys", true), keyIdEnv, secretEnv,
                variable(node, "session-token-env"),
                Settings.duration(node, "timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(2)),
                Settings.integer(node, "max-attempts", 3, 1, 10));
    }

    private static Optional<String> variable(Config node, String key) {
        Optional<String> name = Settings.optionalString(node, key).map(String::strip).filter(text -> !text.isEmpty());
        if (name.isPresent() && !name.get().matches(VARIABLE_NAME)) {
            throw Settings.problem(node, key, "'" + name.get() + "' is not an environment variable name");
        }
        return name;
    }

    private static Pkcs11Settings pkcs11(Config node, boolean used) {
        Optional<Path> library = Settings.path(node, "library");
        Optional<String> label = Settings.optionalString(node, "token-label");
        Optional<Long> slot = Settings.optionalString(node, "slot").map(text -> {
            try {
                long value = Long.parseLong(text);
                if (value >= 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw Settings.problem(node, "slot", "'" + text + "' is not a slot id (a whole number, 0 or more)");
        });
        String pinEnv = Settings.string(node, "pin-env", DEFAULT_PIN_ENV);
        if (!pinEnv.matches(VARIABLE_NAME)) {
            throw Settings.problem(node, "pin-env", "'" + pinEnv + "' is not an environment variable name");
        }
        String prefix = Settings.string(node, "key-label-prefix", Pkcs11Keys.DEFAULT_PREFIX);
        if (!Pkcs11Keys.isValidLabelPrefix(prefix)) {
            throw Settings.problem(node, "key-label-prefix", "'" + prefix + "' is not 1 to 64 letters, digits, '.', '_' or '-'");
        }
        Pkcs11Settings settings = new Pkcs11Settings(library, label, slot, Settings.path(node, "pin-file"), pinEnv, prefix);
        if (used) {
            if (library.isEmpty() || !library.get().isAbsolute()) {
                throw Settings.problem(node, "library", library.isEmpty() ? "the pkcs11 provider needs the absolute path of the token's "
                        + "PKCS#11 library (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)" : "'" + library.get() + "' is not an absolute path");
            }
            if (label.isPresent() == slot.isPresent()) {
                throw Settings.problem(node, "token-label", "name the token by its label or by its slot, exactly one of them");
            }
        }
        return settings;
    }
}
