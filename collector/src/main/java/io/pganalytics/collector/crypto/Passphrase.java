package io.pganalytics.collector.crypto;

import io.pganalytics.collector.spool.OwnerOnly;
import io.pganalytics.common.crypto.CryptoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Where the key store's passphrase comes from, in this order: {@code encryption.passphrase-file}; the environment
 * variable ({@code PGANALYTICS_COLLECTOR_KEY_PASSPHRASE} by default); a systemd credential named
 * {@value #SYSTEMD_CREDENTIAL} in {@code $CREDENTIALS_DIRECTORY} ({@code LoadCredentialEncrypted=}, sealed by the host's
 * TPM or its own key); else one generated on first start into {@value #GENERATED} beside the key store, with a warning.
 *
 * @param value  the passphrase (the caller clears it)
 * @param source where it came from, for messages: never the passphrase itself
 */
record Passphrase(char[] value, String source) {
    private static final Logger LOG = LoggerFactory.getLogger(Passphrase.class);
    static final String GENERATED = "key-passphrase";
    static final String SYSTEMD_CREDENTIAL = "pganalytics-collector-key-passphrase";

    static Passphrase resolve(EncryptionSettings settings, Map<String, String> env, SecureRandom random) {
        if (settings.passphraseFile() != null) {
            return new Passphrase(firstLine(settings.passphraseFile(), "encryption.passphrase-file"),
                    "encryption.passphrase-file " + settings.passphraseFile());
        }
        String fromEnvironment = env.get(settings.passphraseEnv());
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new Passphrase(fromEnvironment.strip().toCharArray(), "the environment variable " + settings.passphraseEnv());
        }
        String credentials = env.get("CREDENTIALS_DIRECTORY");
        if (credentials != null && !credentials.isBlank() && Files.isRegularFile(Path.of(credentials, SYSTEMD_CREDENTIAL))) {
            Path file = Path.of(credentials, SYSTEMD_CREDENTIAL);
            return new Passphrase(firstLine(file, "systemd credential"), "the systemd credential " + SYSTEMD_CREDENTIAL);
        }
        return generated(settings, random);
    }

    private static Passphrase generated(EncryptionSettings settings, SecureRandom random) {
        Path keyStore = settings.keyStore();
        Path generated = keyStore.resolveSibling(GENERATED);
        try {
            if (!Files.exists(generated)) {
                if (Files.exists(keyStore)) {
                    throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, "the collector's key store " + keyStore
                            + " exists but no passphrase is configured: set " + settings.passphraseEnv()
                            + " or encryption.passphrase-file (or provide the systemd credential " + SYSTEMD_CREDENTIAL + ")");
                }
                OwnerOnly.directory(generated.getParent());
                byte[] bytes = new byte[32];
                random.nextBytes(bytes);
                OwnerOnly.write(generated, (Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                LOG.info("encryption: generated a key store passphrase in {}", generated);
            }
            LOG.warn("encryption: the key store's passphrase is kept beside it ({}): the spool and the identity are unreadable "
                    + "in a copy of the spool directory or of the identity file alone, not in a copy of the whole state "
                    + "directory or the disk. For that set {} or encryption.passphrase-file (a file on another volume), or "
                    + "use a systemd encrypted credential (docs/encryption/collector.md)", generated, settings.passphraseEnv());
            return new Passphrase(firstLine(generated, "generated passphrase"), "the generated file " + generated);
        } catch (IOException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot create or read " + generated + ": " + e.getMessage(), e);
        }
    }

    private static char[] firstLine(Path file, String what) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String line = lines.isEmpty() ? "" : lines.getFirst().strip();
            if (line.isEmpty()) {
                throw new CryptoException(CryptoException.Reason.WRONG_PASSPHRASE, what + " " + file + " is empty");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new CryptoException(CryptoException.Reason.KEY_UNAVAILABLE, "cannot read the " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
