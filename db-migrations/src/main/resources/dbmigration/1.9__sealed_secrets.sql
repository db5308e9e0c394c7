-- Sealed secrets (issue 13): the server's sensitive values are sealed with the key service (io.pganalytics.server.crypto):
-- AES-256-GCM under a data key of crypto_data_key, in the format of common/crypto/Envelope ('pga' 1, data key id,
-- nonce, ciphertext and tag), bound to table, column and row key, so that a value moved to another row, altered, or
-- naming another data key is refused. crypto_key_id(value) reads a sealed value's data key id. Values an earlier
-- version stored in the clear are sealed by the first node that starts with this version, and the clear copy erased.

COMMENT ON COLUMN auth_signing_key.private_key IS
    'PKCS#8 private key, sealed (row key: kid). Owned by io.pganalytics.server.auth.SigningKeys.';

COMMENT ON COLUMN auth_mfa_factor.secret IS
    'TOTP/HOTP shared secret, sealed (row key: user_id:method). Owned by io.pganalytics.server.auth.mfa.';

-- The secrets of an identity provider (bind passwords, client secrets, key passwords) as one sealed JSON object; the
-- jsonb column secrets keeps only '{}' (it held them in the clear before this version).
ALTER TABLE auth_identity_provider ADD COLUMN secrets_sealed bytea;
COMMENT ON COLUMN auth_identity_provider.secrets_sealed IS
    'The provider''s secrets as a JSON object, sealed (row key: name). Owned by io.pganalytics.server.auth.provider.';
COMMENT ON COLUMN auth_identity_provider.secrets IS
    'Always ''{}'' since 1.9: the secrets are in secrets_sealed. Kept so that an earlier version''s rows can be upgraded.';

-- Files a node seals with the key service (its self-signed TLS private key): which data key seals each, so that the
-- key status counts them and a data key still sealing a file is not retired. Each node writes only its own rows.
CREATE TABLE crypto_sealed_file (
    node_name       text         NOT NULL,
    purpose         text         NOT NULL,
    key_id          integer      NOT NULL,
    sealed_at       timestamptz  NOT NULL,
    PRIMARY KEY (node_name, purpose)
);
