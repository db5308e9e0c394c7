package io.pganalytics.server.crypto;

import io.helidon.config.Config;
import io.pganalytics.server.config.Settings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code encryption} node: where the key-encryption key lives and what else is sealed.
 *
 * @param provider       which provider holds the key-encryption key
 * @param keystore       the PKCS#12 key store file provider's settings
 * @param statementTexts whether statement texts (which may quote personal data) are sealed too: off by default,
 *                       its cost is in docs/BENCHMARKS.md
 * @param rewrapRate     records per second the re-wrap job re-seals at most (it shares the database with ingest)
 * @param rewrapBatch    records re-sealed per transaction
 */
public record EncryptionConfig(Provider provider, KeyStoreSettings keystore, boolean statementTexts, int rewrapRate, int rewrapBatch) {
    public static final String DEFAULT_PASSPHRASE_ENV = "PGANALYTICS_KEK_PASSPHRASE";

    public enum Provider {
        KEYSTORE
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

    public static EncryptionConfig from(Config node) {
        Config keystore = node.get("keystore");
        String env = Settings.string(keystore, "passphrase-env", DEFAULT_PASSPHRASE_ENV);
        if (!env.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw Settings.problem(keystore, "passphrase-env", "'" + env + "' is not an environment variable name");
        }
        return new EncryptionConfig(
                Settings.choice(node, "provider", Provider.class, Provider.KEYSTORE),
                new KeyStoreSettings(Settings.path(keystore, "file"), Settings.path(keystore, "passphrase-file"), env,
                        Settings.bool(keystore, "read-only", false)),
                Settings.bool(node, "statement-texts", false),
                Settings.integer(node, "rewrap-rate", 5000, 1, 1_000_000),
                Settings.integer(node, "rewrap-batch", 500, 1, 10_000));
    }
}
