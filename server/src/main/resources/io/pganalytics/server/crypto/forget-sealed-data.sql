-- Starting again without the old keys (docs/ENCRYPTION.md, "Recovery"): when the key-encryption key is lost for good
-- (key store and passphrase, HSM token, or KMS key), nothing sealed can be opened again and the server does not start.
-- This script forgets every sealed value and every data key, in one transaction, so that the server starts on a new
-- key-encryption key and makes new keys. Metrics, statements, users and collectors are kept. Afterwards:
--   - every session ends; a new token-signing key is made at start;
--   - every user's second factors and backup codes are gone: users with MFA enrol again;
--   - every identity provider's secrets (bind passwords, client secrets) are empty: an admin sets them again;
--   - statement texts that were sealed are gone (collectors send a text again when its statement is seen anew);
--   - the audit trail stays whole and verifiable, but the personal fields of the records written so far (names,
--     addresses, user agents, personal before/after values) become unreadable: their per-person keys were sealed with
--     the lost keys; new records get new person keys. The audit signing key is retired (its public key still verifies
--     the checkpoints it signed) and a new one is made at start.
-- Run it with every server node stopped, against the server's database, then remove tls/server.key.sealed and
-- tls/server.crt from each node's data directory (a new self-signed certificate is made; consoles trust it again):
--   psql -v ON_ERROR_STOP=1 -d <database> -f forget-sealed-data.sql
BEGIN;
DELETE FROM auth_refresh_token;
DELETE FROM auth_session;
DELETE FROM auth_signing_key;
DELETE FROM auth_mfa_backup_code;
DELETE FROM auth_mfa_factor;
UPDATE auth_identity_provider SET secrets_sealed = NULL, secrets = '{}';
DELETE FROM ts.statement_text WHERE query_sealed IS NOT NULL;
DELETE FROM crypto_sealed_file;
DELETE FROM crypto_rewrap_run;
-- people erased on request keep their row (no key is ever made for them again); the others get a new key when needed
DELETE FROM audit.person_key WHERE erased_at IS NULL;
UPDATE audit.signing_key SET private_key = NULL, retired_at = coalesce(retired_at, now());
DELETE FROM crypto_data_key;
COMMIT;
