package io.pganalytics.server.crypto;

import io.pganalytics.common.crypto.SealContext;

import java.nio.charset.StandardCharsets;

/**
 * Seals and opens values bound to where they are stored. Every feature that keeps something sensitive takes one of
 * these; only {@link KeyService} implements it.
 * <p>
 * {@link #open} fails with a {@link io.pganalytics.common.crypto.CryptoException} naming the context when the value
 * was altered, moved, or names a key this cluster does not have: never returns bytes that were not sealed there.
 */
public interface Sealer {
    /** Seals {@code plaintext} under the current data key. */
    byte[] seal(SealContext context, byte[] plaintext);

    /** Opens a value sealed for {@code context}, under whichever data key it names (current or older). */
    byte[] open(SealContext context, byte[] sealed);

    default byte[] sealText(SealContext context, String plaintext) {
        return seal(context, plaintext.getBytes(StandardCharsets.UTF_8));
    }

    default String openText(SealContext context, byte[] sealed) {
        return new String(open(context, sealed), StandardCharsets.UTF_8);
    }
}
