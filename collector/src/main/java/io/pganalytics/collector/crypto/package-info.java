/**
 * Encryption at rest in the collector.
 * <p>
 * Owns: the collector's key-encryption key (a PKCS#12 key store in its state directory, opened with a passphrase from a
 * file, an environment variable, a systemd credential, or one generated beside it), the data keys it wraps (a small
 * owner-only file beside the key store), {@link io.pganalytics.collector.crypto.CollectorKeys} which seals and opens
 * values with them, the spool's sealing codec (every record sealed on its own, bound to its sequence, target and
 * batch) and {@code keys status|rotate}. The formats are common's {@code io.pganalytics.common.crypto}.
 */
package io.pganalytics.collector.crypto;
