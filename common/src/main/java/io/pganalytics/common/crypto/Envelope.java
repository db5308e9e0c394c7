package io.pganalytics.common.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The sealed-value format: AES-256-GCM under a data key, the key named in the header, and the header plus the
 * {@link SealContext} authenticated as associated data.
 * <pre>
 *   bytes 0-3   'p' 'g' 'a' and the format version (1)
 *   bytes 4-7   the data key's id, big-endian (SQL: crypto_key_id(value))
 *   bytes 8-19  a random 96-bit nonce
 *   bytes 20-   the ciphertext and its 128-bit tag
 * </pre>
 * A flipped byte, a value moved to another row, or a header naming another key all fail authentication: the caller
 * gets a {@link CryptoException} naming the context, never bytes that were not sealed there. With random nonces a data
 * key must seal fewer than 2^32 values (NIST SP 800-38D); data keys rotate long before that.
 */
public final class Envelope {
    public static final int FORMAT = 1;
    public static final int HEADER_BYTES = 20;
    public static final int TAG_BITS = 128;
    public static final int OVERHEAD = HEADER_BYTES + TAG_BITS / 8;
    public static final int KEY_BYTES = 32;
    private static final byte[] MAGIC = {'p', 'g', 'a', FORMAT};
    private static final int NONCE_BYTES = 12;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private Envelope() {
    }

    /** A fresh random AES-256 data key. */
    public static SecretKey newDataKey(SecureRandom random) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BYTES * 8, random);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate AES-256 keys", e);
        }
    }

    /** A data key from its raw 32 bytes (as unwrapped from a key-encryption key). */
    public static SecretKey dataKey(byte[] raw) {
        if (raw.length != KEY_BYTES) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, "a data key must be " + KEY_BYTES + " bytes, not " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }

    public static byte[] seal(int keyId, SecretKey key, SealContext context, byte[] plaintext, SecureRandom random) {
        return seal(keyId, key, context, plaintext, random, null);
    }

    /**
     * As {@link #seal(int, SecretKey, SealContext, byte[], SecureRandom)}, the cipher taken from {@code provider} (a
     * PKCS#11 token, whose keys no other provider can use), or chosen by the JDK when it is {@code null}.
     */
    public static byte[] seal(int keyId, SecretKey key, SealContext context, byte[] plaintext, SecureRandom random, Provider provider) {
        byte[] out = new byte[HEADER_BYTES + plaintext.length + TAG_BITS / 8];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        ByteBuffer.wrap(out, 4, 4).putInt(keyId);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 8, NONCE_BYTES);
        try {
            Cipher cipher = cipher(provider);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out, 0, HEADER_BYTES);
            cipher.updateAAD(context.associatedData());
            int written = cipher.doFinal(plaintext, 0, plaintext.length, out, HEADER_BYTES);
            if (written != out.length - HEADER_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes, expected " + (out.length - HEADER_BYTES));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing " + context + " failed", e);
        }
    }

    /** Whether {@code value} starts like a sealed value of this format (it may still be damaged). */
    public static boolean isSealed(byte[] value) {
        return value != null && value.length >= OVERHEAD && Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** The data key a sealed value names. */
    public static int keyId(byte[] sealed, SealContext context) {
        requireSealed(sealed, context);
        return ByteBuffer.wrap(sealed, 4, 4).getInt();
    }

    /**
     * Opens a value sealed for {@code context} under {@code key} (the key {@link #keyId} names).
     *
     * @throws CryptoException {@code TAMPERED} when it does not authenticate, {@code MALFORMED} when it is not sealed
     */
    public static byte[] open(SecretKey key, SealContext context, byte[] sealed) {
        return open(key, context, sealed, null);
    }

    /** As {@link #open(SecretKey, SealContext, byte[])}, the cipher taken from {@code provider} unless it is {@code null}. */
    public static byte[] open(SecretKey key, SealContext context, byte[] sealed, Provider provider) {
        requireSealed(sealed, context);
        try {
            Cipher cipher = cipher(provider);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 8, NONCE_BYTES));
            cipher.updateAAD(sealed, 0, HEADER_BYTES);
            cipher.updateAAD(context.associatedData());
            return cipher.doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new CryptoException(CryptoException.Reason.TAMPERED, context + " does not authenticate under data key "
                    + ByteBuffer.wrap(sealed, 4, 4).getInt() + ": it was altered, moved from another record, or sealed under another key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening " + context + " failed", e);
        }
    }

    private static Cipher cipher(Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(TRANSFORMATION) : Cipher.getInstance(TRANSFORMATION, provider);
    }

    private static void requireSealed(byte[] sealed, SealContext context) {
        if (sealed == null || sealed.length < OVERHEAD) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, context + " is not a sealed value (too short: "
                    + (sealed == null ? "null" : sealed.length + " bytes") + ")");
        }
        if (!Arrays.equals(sealed, 0, 3, MAGIC, 0, 3)) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, context + " is not a sealed value (no envelope header)");
        }
        if (sealed[3] != FORMAT) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, context + " is sealed in format " + sealed[3]
                    + ", which this version does not read (it reads " + FORMAT + ")");
        }
    }
}
