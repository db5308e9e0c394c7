package io.pganalytics.common.crypto;

/**
 * Something sealed cannot be opened, or a key cannot be reached. The message names the record or file and the key,
 * never a secret; {@link #reason()} says which kind of failure it is so that callers can answer it precisely.
 */
public final class CryptoException extends RuntimeException {
    public enum Reason {
        /** The ciphertext does not authenticate: altered, moved to another record, or sealed under another key. */
        TAMPERED,
        /** The ciphertext names a key (data key or key-encryption-key version) that is not known or was retired. */
        UNKNOWN_KEY,
        /** The bytes are not a sealed value of a format this version reads. */
        MALFORMED,
        /** The key store's passphrase is wrong. */
        WRONG_PASSPHRASE,
        /** The key-encryption key's provider cannot be reached or refused the operation. */
        KEY_UNAVAILABLE,
        /** A request the keys' state forbids (retiring a version in use, creating keys in a read-only provider). */
        REFUSED
    }

    private final Reason reason;

    public CryptoException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CryptoException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
