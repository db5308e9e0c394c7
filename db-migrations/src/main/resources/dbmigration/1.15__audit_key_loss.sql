-- Starting again without the old keys (crypto/forget-sealed-data.sql) keeps the audit trail: an audit signing key whose
-- private part can no longer be opened is retired with its private part forgotten (NULL); its public key stays, since
-- the checkpoints and archives it signed are verified with it.
ALTER TABLE audit.signing_key ALTER COLUMN private_key DROP NOT NULL;
ALTER TABLE audit.signing_key ADD CONSTRAINT ck_audit_signing_key_private
    CHECK (private_key IS NOT NULL OR retired_at IS NOT NULL);
