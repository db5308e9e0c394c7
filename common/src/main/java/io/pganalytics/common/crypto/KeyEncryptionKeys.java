package io.pganalytics.common.crypto;

import java.util.SortedSet;

/**
 * A provider of key-encryption keys (KEKs): numbered versions of one AES-256 key that never leave the provider (a
 * PKCS#12 key store file, a PKCS#11 HSM, a cloud KMS). Data keys are wrapped by a version and unwrapped by the same
 * version; the wrapping is bound to a {@link SealContext} (the data key's id), so a wrapped key cannot be swapped for
 * another.
 * <p>
 * Implementations are thread-safe. Every failure is a {@link CryptoException}: {@code KEY_UNAVAILABLE} when the
 * provider cannot be reached, {@code WRONG_PASSPHRASE}, {@code UNKNOWN_KEY} for a version it does not hold,
 * {@code TAMPERED} for a wrapped key that does not authenticate.
 */
public interface KeyEncryptionKeys extends AutoCloseable {
    /** The provider's kind as configured: {@code keystore}, {@code pkcs11}, {@code aws-kms}. */
    String kind();

    /** Where the keys live, for logs and status pages (a path, a token label, a key alias): never a secret. */
    String location();

    /** The versions this provider holds, ascending; empty before the first is created. */
    SortedSet<Integer> versions();

    /** Whether {@link #createVersion()} and {@link #destroyVersion(int)} work (a read-only key store cannot). */
    boolean canManage();

    /** Creates the next version (the highest held plus one, or 1) and returns its number. */
    int createVersion();

    /** Wraps a data key's raw bytes under {@code version}. */
    byte[] wrap(int version, byte[] dataKey, SealContext context);

    /** Unwraps what {@link #wrap} returned, under the same version and context. */
    byte[] unwrap(int version, byte[] wrapped, SealContext context);

    /** Destroys {@code version} for good (key store entry deleted, HSM object destroyed, KMS key scheduled for deletion). */
    void destroyVersion(int version);

    @Override
    void close();
}
