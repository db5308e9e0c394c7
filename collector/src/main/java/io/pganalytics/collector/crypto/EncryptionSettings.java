package io.pganalytics.collector.crypto;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The collector's {@code encryption:} section.
 *
 * @param enabled        whether new spool records and the identity file are sealed (true unless the operator opts out)
 * @param keyStore       the PKCS#12 key store holding the key-encryption key; the data keys' file lives beside it
 * @param passphraseFile a file whose first line is the key store's passphrase; null when not configured
 * @param passphraseEnv  the environment variable holding the passphrase, read when no file is configured
 */
public record EncryptionSettings(boolean enabled, Path keyStore, Path passphraseFile, String passphraseEnv) {
    public static final String DEFAULT_PASSPHRASE_ENV = "PGANALYTICS_COLLECTOR_KEY_PASSPHRASE";
    /** The key store's default name, in {@code keys/} beside the identity file (the collector's state directory). */
    public static final String KEY_STORE_NAME = "collector-keys.p12";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    public EncryptionSettings {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(passphraseEnv, "passphraseEnv");
        if (!isEnvironmentName(passphraseEnv)) {
            throw new IllegalArgumentException("'" + passphraseEnv + "' is not an environment variable name");
        }
    }

    /** Enabled, the key store in {@code keys/} of the state directory, the passphrase from the default variable. */
    public static EncryptionSettings defaults(Path stateDirectory) {
        return new EncryptionSettings(true, defaultKeyStore(stateDirectory), null, DEFAULT_PASSPHRASE_ENV);
    }

    public static Path defaultKeyStore(Path stateDirectory) {
        return stateDirectory.toAbsolutePath().normalize().resolve("keys").resolve(KEY_STORE_NAME);
    }

    public static boolean isEnvironmentName(String name) {
        return ENV_NAME.matcher(name).matches();
    }
}
