package io.pganalytics.server.crypto;

import io.helidon.config.Config;
import io.pganalytics.common.crypto.Pkcs11Keys;
import io.pganalytics.server.config.Settings;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code encryption} node: where the key-encryption key lives and what else is sealed.
 *
 * @param provider       which provider holds the key-encryption key
 * @param keystore       the PKCS#12 key store file provider's settings
 * @param pkcs11         the PKCS#11 (HSM) provider's settings
 * @param statementTexts whether statement texts (which may quote personal data) are sealed too: off by default,
 *                       its cost is in docs/BENCHMARKS.md
 * @param rewrapRate     records per second the re-wrap job re-seals at most (it shares the database with ingest)
 * @param rewrapBatch    records re-sealed per transaction
 */
public record EncryptionConfig(Provider provider, KeyStoreSettings keystore, Pkcs11Settings pkcs11, boolean statementTexts, int rewrapRate, int rewrapBatch) {
    public static final String DEFAULT_PASSPHRASE_ENV = "PGANALYTICS_KEK_PASSPHRASE";
    public static final String DEFAULT_PIN_ENV = "PGANALYTICS_HSM_PIN";
    private static final String VARIABLE = "[A-Za-z_][A-Za-z0-9_]{0,127}";

    public enum Provider {
        KEYSTORE,
        PKCS11
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
        if (!env.matches(VARIABLE)) {
            throw Settings.problem(keystore, "passphrase-env", "'" + env + "' is not an environment variable name");
        }
        Provider provider = Settings.choice(node, "provider", Provider.class, Provider.KEYSTORE);
        return new EncryptionConfig(
                provider,
                new KeyStoreSettings(Settings.path(keystore, "file"), Settings.path(keystore, "passphrase-file"), env,
                        Settings.bool(keystore, "read-only", false)),
                pkcs11(node.get("pkcs11"), provider == Provider.PKCS11),
                Settings.bool(node, "statement-texts", false),
                Settings.integer(node, "rewrap-rate", 5000, 1, 1_000_000),
                Settings.integer(node, "rewrap-batch", 500, 1, 10_000));
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
        if (!pinEnv.matches(VARIABLE)) {
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
