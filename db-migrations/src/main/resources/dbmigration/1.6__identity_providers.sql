-- Identity providers (LDAP, OpenID Connect, SAML 2.0) and the link between a local user and the person a provider
-- vouches for. Owned by io.pganalytics.server.auth (package .provider for the providers); nothing else reads these.

-- One identity provider. Rows of origin 'configuration' are written at each start from the server's configuration
-- file and are read-only through the admin API; rows of origin 'api' are managed through the admin API.
-- settings, secrets and role_mapping are JSON objects read by the provider's kind.
-- secrets (bind passwords, client secrets, key passwords) are stored as they are given, NOT encrypted: encryption at
-- rest of configuration secrets is issue 13, which will wrap this column with the key-encryption key. They are never
-- returned by the API nor logged.
CREATE TABLE auth_identity_provider (
    name            varchar(32)  PRIMARY KEY,
    kind            varchar(32)  NOT NULL,
    display_name    varchar(200) NOT NULL,
    enabled         boolean      NOT NULL DEFAULT true,
    origin          varchar(20)  NOT NULL,
    settings        jsonb        NOT NULL DEFAULT '{}',
    secrets         jsonb        NOT NULL DEFAULT '{}',
    role_mapping    jsonb        NOT NULL,
    created_at      timestamptz  NOT NULL,
    updated_at      timestamptz  NOT NULL,
    version         bigint       NOT NULL DEFAULT 1,
    CONSTRAINT ck_auth_identity_provider_name CHECK (name ~ '^[a-z0-9-]{2,32}$' AND name <> 'local'),
    CONSTRAINT ck_auth_identity_provider_origin CHECK (origin IN ('configuration', 'api')),
    CONSTRAINT ck_auth_identity_provider_json CHECK (jsonb_typeof(settings) = 'object' AND jsonb_typeof(secrets) = 'object'
        AND jsonb_typeof(role_mapping) = 'object')
);

-- A user of an identity provider: source is the provider's name (up to 32 characters now), external_subject the
-- provider's stable id for the person (LDAP DN or objectGUID, OIDC sub, SAML NameID). Such users have no password.
ALTER TABLE auth_user ALTER COLUMN source TYPE varchar(32);
ALTER TABLE auth_user ADD COLUMN external_subject varchar(512);
ALTER TABLE auth_user ADD COLUMN email varchar(320);
ALTER TABLE auth_user ADD COLUMN last_synced_at timestamptz;
ALTER TABLE auth_user ADD CONSTRAINT ck_auth_user_external CHECK ((source = 'local') = (external_subject IS NULL));
ALTER TABLE auth_user ADD CONSTRAINT ck_auth_user_external_password CHECK (source = 'local' OR password_hash IS NULL);
CREATE UNIQUE INDEX uq_auth_user_external ON auth_user (source, external_subject) WHERE external_subject IS NOT NULL;
