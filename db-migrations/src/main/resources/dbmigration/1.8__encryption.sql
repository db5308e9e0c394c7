-- Encryption at rest (issue 13). Owned by io.pganalytics.server.crypto; nothing else reads these tables.

-- The data keys that seal values in this database: AES-256 keys, each stored only wrapped by a version of the
-- key-encryption key (KEK) that the configured provider holds (a key store file, a PKCS#11 HSM, a KMS); the KEK
-- itself is never here. Exactly one key is current and seals new values; active keys still open what they sealed;
-- a retired key has had its wrapped bytes erased (nothing sealed under it can be opened again), and is kept as a
-- record of when it existed. The wrapping is bound to the key's id, so a wrapped key cannot be swapped to another row.
-- Every sealed value names its data key in bytes 4-7 of its header: crypto_key_id(value) reads it.
CREATE SEQUENCE crypto_data_key_id_seq AS integer;

CREATE TABLE crypto_data_key (
    id              integer      PRIMARY KEY,
    state           varchar(10)  NOT NULL,
    kek_kind        varchar(20)  NOT NULL,
    kek_location    text         NOT NULL,
    kek_version     integer      NOT NULL,
    wrapped         bytea,
    created_at      timestamptz  NOT NULL,
    created_by      text         NOT NULL,
    retired_at      timestamptz,
    CONSTRAINT ck_crypto_data_key_state CHECK (state IN ('current', 'active', 'retired')),
    CONSTRAINT ck_crypto_data_key_wrapped CHECK ((state = 'retired') = (wrapped IS NULL) AND (state = 'retired') = (retired_at IS NOT NULL))
);

-- At most one current key, whatever several nodes starting or rotating at once try to do.
CREATE UNIQUE INDEX uq_crypto_data_key_current ON crypto_data_key ((true)) WHERE state = 'current';

CREATE FUNCTION crypto_key_id(value bytea) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT (get_byte(value, 4) << 24) | (get_byte(value, 5) << 16) | (get_byte(value, 6) << 8) | get_byte(value, 7) $$;
