package io.pganalytics.collector.crypto;

import io.pganalytics.collector.spool.PayloadCodec;
import io.pganalytics.common.crypto.SealContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the {@code encryption:} section means for one process: the keys (when enabled, or when disabled but a key store
 * exists, so that what was sealed before still reads) and the spool codec. Disabled is an explicit opt-out, logged as a
 * warning. Opening it proves the keys: a wrong passphrase stops start-up.
 */
public final class CollectorEncryption implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorEncryption.class);

    private final boolean enabled;
    private final CollectorKeys keys;

    private CollectorEncryption(boolean enabled, CollectorKeys keys) {
        this.enabled = enabled;
        this.keys = keys;
    }

    /** @throws io.pganalytics.common.crypto.CryptoException when the keys cannot be opened (its message says why) */
    public static CollectorEncryption open(EncryptionSettings settings, Map<String, String> env, SecureRandom random) {
        if (settings.enabled()) {
            return new CollectorEncryption(true, CollectorKeys.open(settings, env, random));
        }
        LOG.warn("encryption is disabled (encryption.enabled: false): new spool records (query texts included) and the "
                + "identity's credential are stored in the clear, readable by anyone who can read the spool directory, the "
                + "identity file or a copy of them (a backup, a snapshot of the disk)");
        if (Files.exists(settings.keyStore())) {
            return new CollectorEncryption(false, CollectorKeys.open(settings, env, random));
        }
        return new CollectorEncryption(false, null);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The keys that seal new values: null when encryption is disabled. */
    public CollectorKeys sealingKeys() {
        return enabled ? keys : null;
    }

    /** The keys that open what was sealed (also when encryption was disabled later): null when there are none. */
    public CollectorKeys openingKeys() {
        return keys;
    }

    /** Seals new records when enabled; reads plain and (with keys) sealed records either way. */
    public PayloadCodec spoolCodec() {
        return keys == null ? PayloadCodec.PLAIN : new SealedPayloadCodec(keys, enabled);
    }

    /** Seals a quarantined batch for its file's base name; null (kept as it is) when encryption is disabled. */
    public BiFunction<String, byte[], byte[]> quarantineSealer() {
        CollectorKeys sealing = sealingKeys();
        return sealing == null ? null : (name, payload) -> sealing.seal(quarantineContext(name), payload);
    }

    static SealContext quarantineContext(String baseName) {
        return SealContext.file("quarantine", baseName);
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }
}
