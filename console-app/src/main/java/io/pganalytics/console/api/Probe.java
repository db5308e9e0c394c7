package io.pganalytics.console.api;

import java.time.Instant;

/**
 * What the console found at first contact with a server, before sending it anything that matters.
 *
 * @param address           the server
 * @param verdict           whether its certificate is trusted already, new, or changed
 * @param fingerprint       the SHA-256 fingerprint of the certificate it presented (null over plain HTTP)
 * @param pinnedFingerprint the fingerprint pinned before, when {@code verdict} is {@link Verdict#CERTIFICATE_CHANGED}
 * @param subject           the certificate's subject
 * @param notAfter          when the certificate expires
 */
public record Probe(ServerAddress address, Verdict verdict, String fingerprint, String pinnedFingerprint, String subject,
                    Instant notAfter) {
    public enum Verdict {
        /** A certificate authority the system trusts vouches for it: nothing to ask. */
        TRUSTED_BY_AUTHORITY,
        /** It presented exactly the certificate pinned for it. */
        PINNED,
        /** First contact with a certificate nobody vouches for: show the fingerprint and ask. */
        NEW_CERTIFICATE,
        /** It presented a certificate other than the pinned one: warn loudly. */
        CERTIFICATE_CHANGED,
        /** Plain HTTP: nothing is encrypted. */
        UNENCRYPTED
    }

    public boolean needsDecision() {
        return verdict == Verdict.NEW_CERTIFICATE || verdict == Verdict.CERTIFICATE_CHANGED;
    }
}
