package io.pganalytics.server.crypto;

import io.helidon.config.Config;
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
 * @param statementTexts whether statement texts (which may quote personal data) are sealed too: off by default,
 *                       its cost is in docs/BENCHMARKS.md
 * @param rewrapRate     records per second the re-wrap job re-seals at most (it shares the database with ingest)
 * @param rewrapBatch    records re-sealed per transaction
 */
public record EncryptionConfig(Provider provider, KeyStoreSettings keystore, AwsKmsSettings awsKms, boolean statementTexts, int rewrapRate,
                               int rewrapBatch) {
    public static final String DEFAULT_PASSPHRASE_ENV = "PGANALYTICS_KEK_PASSPHRASE";
    private static final String VARIABLE_NAME = "[A-Za-z_][A-Za-z0-9_]{0,127}";

    public enum Provider {
        KEYSTORE,
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

    public static EncryptionConfig from(Config node) {
        Config keystore = node.get("keystore");
        String env = Settings.string(keystore, "passphrase-env", DEFAULT_PASSPHRASE_ENV);
        if (!env.matches(VARIABLE_NAME)) {
            throw Settings.problem(keystore, "passphrase-env", "'" + env + "' is not an environment variable name");
        }
        return new EncryptionConfig(
                Settings.choice(node, "provider", Provider.class, Provider.KEYSTORE),
                new KeyStoreSettings(Settings.path(keystore, "file"), Settings.path(keystore, "passphrase-file"), env,
                        Settings.bool(keystore, "read-only", false)),
                awsKms(node.get("aws-kms")),
                Settings.bool(node, "statement-texts", false),
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
}
