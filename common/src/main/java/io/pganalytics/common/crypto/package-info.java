/**
 * Envelope encryption shared by the server and the collector: the sealed-record format ({@link Envelope}), what a
 * ciphertext is bound to ({@link SealContext}), the key-encryption-key providers' interface
 * ({@link KeyEncryptionKeys}) and the key-store file provider ({@link KeyStoreFileKeys}).
 * <p>
 * Only the JDK's providers are composed here (AES-256-GCM, PKCS#12, SunPKCS11): nothing cryptographic is written by hand.
 */
package io.pganalytics.common.crypto;
