/**
 * Encryption at rest: the key service that seals sensitive values (envelope encryption: AES-256-GCM data keys
 * wrapped by a key-encryption key from a key store file, a PKCS#11 HSM or a KMS), the registry of sealed columns,
 * and key rotation. See docs/ENCRYPTION.md.
 */
package io.pganalytics.server.crypto;
